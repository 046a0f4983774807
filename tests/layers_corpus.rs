//! `layerlint layers` over ../shared/corpus: every file planned (and simulated) without a
//! panic, every rendering produced, and every stage's rows in step with its instructions.

mod common;

use common::{files_under, shared};
use layerlint::LintOptions;
use layerlint::advisor::render::{self, Header, Simulated};
use layerlint::advisor::{Builder, Change, Verdict, plan_source};
use std::fs;

#[test]
fn every_corpus_file_plans_and_renders() {
    let files = files_under(&shared("corpus"));
    assert!(files.len() > 2900, "corpus has {} files", files.len());
    let options = LintOptions::default();
    let changed = vec!["src/main.go".to_string(), "package.json".to_string()];
    let build_args = vec![("VERSION".to_string(), "0.0.0-test".to_string())];
    let change = Change {
        paths: changed.clone(),
        build_args: build_args.clone(),
        builder: Builder::BuildKit,
    };
    let mut planned = 0;
    let mut rebuilt_stages = 0;
    for path in &files {
        let Ok(source) = fs::read_to_string(path) else {
            continue;
        };
        let Some(plan) = plan_source(&source, &options, None, Some(&change)) else {
            continue;
        };
        planned += 1;
        assert!(plan.target < plan.stages.len(), "{}", path.display());
        assert!(plan.stages[plan.target].built, "{}", path.display());
        for stage in &plan.stages {
            for step in &stage.steps {
                // Every step of a built stage has a verdict; of another, "not built".
                let verdict = step.cache.as_ref().expect("simulated");
                assert_eq!(
                    stage.built,
                    *verdict != Verdict::NotBuilt,
                    "{}:{}",
                    path.display(),
                    step.line
                );
            }
            rebuilt_stages += usize::from(stage.rebuild.is_some());
        }
        let header = Header {
            file: "Dockerfile",
            context: None,
            simulation: Some(Simulated {
                builder: Builder::BuildKit,
                changed: &changed,
                build_args: &build_args,
            }),
            build: None,
        };
        let json = render::json(&plan, &header);
        let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        assert_eq!(value["version"], 1);
        assert!(!render::markdown(&plan, &header).is_empty());
        assert!(!render::human(&plan, &header, true, 120).is_empty());
    }
    assert!(planned > 2800, "{planned} files planned");
    // A build argument named VERSION is common in the corpus: some stages must rebuild.
    assert!(rebuilt_stages > 0);
}
