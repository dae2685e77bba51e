//! The trained scorer (`assets/understand_model.json`) is trained from the TRAIN split of the
//! request corpus only, and must match what training gives now: this test retrains it and
//! fails when the stored model is stale. `DAIW_RETRAIN=1` writes the new model instead.

mod support;

use daiw::assistant::understand::model::NaiveBayes;
use serde_json::Value;

/// (request, label) for every train-split case: the first expected tool, or "reply"/"ask".
fn train_examples() -> Vec<(String, String)> {
    let dir = support::project_root().join("tests/data/requests");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/data/requests")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let data: Value =
            serde_json::from_str(&std::fs::read_to_string(&file).expect("read")).expect("json");
        for case in data["cases"].as_array().expect("cases") {
            // Only the train split: dev and test are never trained on.
            if case["split"] != "train" {
                continue;
            }
            let label = case["answer"]
                .as_str()
                .or_else(|| case["expect"][0]["tool"].as_str())
                .unwrap_or("reply");
            let request = case["request"].as_str().unwrap_or_default();
            out.push((request.to_string(), label.to_string()));
        }
    }
    out
}

#[test]
fn the_stored_model_is_trained_from_the_train_split() {
    let examples = train_examples();
    assert!(examples.len() >= 300, "{} train examples", examples.len());
    let model = NaiveBayes::train(examples.iter().map(|(r, l)| (r.as_str(), l.as_str())));
    let text = serde_json::to_string(&model).expect("model json") + "\n";
    let path = support::project_root().join("assets/understand_model.json");
    if std::env::var_os("DAIW_RETRAIN").is_some() {
        std::fs::write(&path, &text).expect("write the model");
        return;
    }
    let stored = std::fs::read_to_string(&path).expect("stored model");
    assert!(
        stored == text,
        "assets/understand_model.json is stale: retrain with DAIW_RETRAIN=1 cargo test --test \
         understand_model"
    );
}
