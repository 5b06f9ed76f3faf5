//! The `qalam` binary: subcommands run headless; none (or `review`) opens the window.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = qalam::cli::Cli::parse();
    match cli.command {
        Some(qalam::cli::Command::Review(args)) => gui(qalam::app::Startup {
            review: args.files,
            ..Default::default()
        }),
        Some(cmd) => match qalam::cli::run_command(cmd) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("qalam: {e:#}");
                ExitCode::from(2)
            }
        },
        None => gui(qalam::app::Startup {
            path: cli.path,
            ..Default::default()
        }),
    }
}

fn gui(startup: qalam::app::Startup) -> ExitCode {
    match qalam::app::run(startup) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("qalam: could not start the window: {e}");
            ExitCode::from(1)
        }
    }
}
