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
        "scale_component",
        "stop_component",
        "update_component",
        "stop_provider",
        "stop_host",
        "put_label",
        "delete_label",
        "list_configs",
        "put_config",
        "delete_config",
        "list_contexts",
        "list_sessions",
        "test_connection",
        "save_context",
        "attach_new",
        "attach",
        "detach",
        "delete_context",
        "import_contexts",
        "watch_component",
        "list_watches",
        "save_export",
        "allow_grants",
        "list_apps",
        "deploy_app",
        "undeploy_app",
        "delete_app",
        "export_manifest",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri build script failed");
}
