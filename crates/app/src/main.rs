//! `redbranch`: the web server and the admin commands, in one binary.

mod cli;
mod commands;
mod commands_io;
mod config;
mod seed;
mod serve;

use clap::Parser;

// With glibc's allocator a third of a roster import went to malloc and free (large statements
// and their values, built and dropped per chunk); with mimalloc the 100 k-row commit went from
// 19.7 s to 12.2 s. See docs/BENCHMARKS.md.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let args = cli::Args::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("无法启动运行时 / cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match rt.block_on(commands::run(args)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误 / error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
