//! Shell completions and the man page, generated from the clap definition.

use std::io::Write;

use anyhow::{Context, Result};
use clap::CommandFactory;

use crate::Cli;

/// `pybc completions SHELL`: the completion script on standard output.
pub fn completions(shell: clap_complete::Shell) -> Result<()> {
    let mut command = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut command, "pybc", &mut buf);
    std::io::stdout()
        .write_all(&buf)
        .context("writing the completion script")
}

/// `pybc man`: the roff man page on standard output.
pub fn man() -> Result<()> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .context("rendering the man page")?;
    std::io::stdout()
        .write_all(&buf)
        .context("writing the man page")
}
