//! The VST3 bundle in a real host: JUCE's VST3 hosting code, through the `pedalboard` package.

mod support;

use std::process::Command;

#[test]
fn vst3_bundle_loads_processes_and_restores_state_in_juce() {
    let bundle = support::bundle("DAiW Music Brain.vst3");
    let script = support::project_root().join("tests/hosts/vst3_host.py");
    let output = Command::new(support::test_python())
        .arg(&script)
        .arg(&bundle)
        .output()
        .expect("could not start the test Python");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success() && stdout.contains("vst3 host: all checks passed"),
        "the VST3 host check failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
}
