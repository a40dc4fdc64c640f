//! `orderhunt list`.

use crate::error::Result;
use clap::Args;
use orderhunt_core::Registry;

#[derive(Args, Debug)]
pub struct ListArgs {
    /// Print the list as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(registry: &Registry, args: &ListArgs) -> Result<i32> {
    if args.json {
        let rows: Vec<serde_json::Value> = registry
            .all()
            .iter()
            .map(|s| {
                let i = s.info();
                serde_json::json!({
                    "name": i.name,
                    "family": i.family,
                    "expectation": i.expectation.as_str(),
                    "article": i.article,
                    "actors": i.actors,
                    "default_iterations": i.default_iterations,
                    "summary": i.summary,
                    "origin": s.origin().map(|o| serde_json::json!({
                        "crate": o.krate, "version": o.version,
                    })),
                    "hardware_models": s.hardware().into_iter()
                        .map(|(m, v)| (m, serde_json::Value::from(v)))
                        .collect::<serde_json::Map<_, _>>(),
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&rows).expect("list serializes")
        );
        return Ok(0);
    }
    // The ARTICLE column only when some scenario comes from the article
    // (the built-in catalog); names set the first column's width.
    let all = registry.all();
    let article = all.iter().any(|s| s.info().article.is_some());
    let w = all
        .iter()
        .map(|s| s.info().name.chars().count())
        .max()
        .unwrap_or(0)
        .max(22);
    if article {
        println!(
            "{:<w$} {:<10} {:<15} {:<6} DESCRIPTION",
            "NAME", "EXPECT", "ARTICLE", "ACTORS"
        );
    } else {
        println!(
            "{:<w$} {:<10} {:<6} DESCRIPTION",
            "NAME", "EXPECT", "ACTORS"
        );
    }
    for s in all {
        let i = s.info();
        let mut summary = i.summary.to_string();
        let hardware = s.hardware();
        if !hardware.is_empty() {
            let hw: Vec<String> = hardware.iter().map(|(m, v)| format!("{m}: {v}")).collect();
            summary.push_str(&format!(" [weak outcome: {}]", hw.join(", ")));
        }
        if article {
            println!(
                "{:<w$} {:<10} {:<15} {:<6} {}",
                i.name,
                i.expectation.as_str(),
                i.article.unwrap_or("-"),
                i.actors,
                summary
            );
        } else {
            println!(
                "{:<w$} {:<10} {:<6} {}",
                i.name,
                i.expectation.as_str(),
                i.actors,
                summary
            );
        }
    }
    println!();
    println!("may-fail: a deliberately wrong specimen; anomalies may show (on some hardware).");
    println!("must-pass: a correct specimen; any anomaly fails the run with exit code 1.");
    Ok(0)
}
