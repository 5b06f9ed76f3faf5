//! The `qalam` binary: subcommands run headless; no subcommand starts the GUI.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = qalam::cli::Cli::parse();
    match cli.command {
        Some(cmd) => match qalam::cli::run_command(cmd) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("qalam: {e:#}");
                ExitCode::from(2)
            }
        },
        None => match qalam::app::run(qalam::app::Startup { path: cli.path, root: None }) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("qalam: could not start the window: {e}");
                ExitCode::from(1)
            }
        },
    }
}
