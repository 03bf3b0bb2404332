//! Workload driver: bulk-load an agent's episodes, run a concurrent mixed workload against
//! hand-written libSQL and against larder, print the seed plan's table for both.
//!
//! Run: `cargo run --release -p episodic-memory` (about 30 s), `-- --help` for the flags.

use std::time::Duration;

use clap::Parser;
use episodic_memory::workload::{self, Config};
use indicatif::{ProgressBar, ProgressStyle};

/// Measure an episodic-memory store on larder against the same store hand-written on libSQL.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Directory for the two database files (default: a temporary directory).
    #[arg(long)]
    db_dir: Option<std::path::PathBuf>,
    /// Episodes to bulk-load before the mixed workload.
    #[arg(long, default_value_t = 20_000)]
    episodes: u64,
    /// Share of operations that write, between 0 and 1.
    #[arg(long, default_value_t = 0.05)]
    write_fraction: f64,
    /// Zipf exponent of the episode reads (1.0 = classic, higher = more skewed).
    #[arg(long, default_value_t = 1.1)]
    zipf: f64,
    /// Seconds of mixed workload per backend.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Concurrent tasks.
    #[arg(long, default_value_t = 4)]
    tasks: usize,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    if !(0.0..=1.0).contains(&args.write_fraction) {
        return Err("--write-fraction is between 0 and 1".into());
    }
    let temp = tempfile::tempdir()?;
    let dir = args
        .db_dir
        .clone()
        .unwrap_or_else(|| temp.path().to_owned());
    std::fs::create_dir_all(&dir)?;
    let config = Config {
        episodes: args.episodes,
        write_fraction: args.write_fraction,
        zipf: args.zipf,
        duration: Duration::from_secs(args.seconds),
        tasks: args.tasks.max(1),
    };
    let bar = if args.json {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(args.episodes * 2)
    };
    bar.set_style(ProgressStyle::with_template(
        "{msg:>14} [{bar:40}] {pos}/{len} rows loaded",
    )?);
    let report = workload::run(&config, &dir, &|name, n| {
        bar.set_message(name.to_owned());
        bar.inc(n);
    })
    .await?;
    bar.finish_and_clear();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!("{report}");
    }
    Ok(())
}
