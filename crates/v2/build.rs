//! Generates the wasmCloud 2.x message types (prost) and their canonical-JSON serde
//! impls (pbjson) from proto/runtime_v2.proto, with protox: no protoc needed.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let proto = "proto/runtime_v2.proto";
    println!("cargo:rerun-if-changed={proto}");
    let descriptors = protox::compile([proto], ["proto"])?;
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR")?);
    let descriptor_file = out.join("runtime_v2.bin");
    std::fs::write(
        &descriptor_file,
        prost::Message::encode_to_vec(&descriptors),
    )?;
    prost_build::Config::new()
        .extern_path(".google.protobuf.Timestamp", "::pbjson_types::Timestamp")
        .compile_fds(descriptors)?;
    pbjson_build::Builder::new()
        .register_descriptors(&std::fs::read(&descriptor_file)?)?
        .extern_path(".google.protobuf.Timestamp", "::pbjson_types::Timestamp")
        .build(&[".wasmcloud.runtime.v2"])?;
    Ok(())
}
