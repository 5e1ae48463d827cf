fn main() {
    // Listing the commands generates `allow-<command>` permissions, so
    // capabilities/main.json grants the window exactly these and nothing else.
    let manifest = tauri_build::AppManifest::new().commands(&[
        "lattice_status",
        "list_hosts",
        "lattice_snapshot",
        "inspect_component",
        "start_component",
        "start_provider",
        "put_link",
        "delete_link",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri build script failed");
}
