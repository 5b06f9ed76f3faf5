//! The `qalam` binary: subcommands run headless; none (or `review`) opens the window.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = qalam::cli::Cli::parse();
    match cli.command {
        Some(qalam::cli::Command::Review(args)) => {
            if let Some(code) = qalam::cli_schema::review_preflight(&args.files, &args.map) {
                return code;
            }
            gui(qalam::app::Startup {
                review: args.files,
                review_out: args.out,
                review_map: args.map,
                ..Default::default()
            })
        }
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
