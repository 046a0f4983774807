//! The table of known commands: which handler reads each one. A command not listed here has no
//! known effect, and the model never guesses one for it.

use super::command::Command;
use super::record::Recorder;
use super::{archive, copy, create, download, metadata, packages, remove};

pub(super) fn apply(command: &Command, rec: &mut Recorder) {
    match command.name {
        "mkdir" => create::mkdir(command, rec),
        "dd" => create::dd(command, rec),
        "tee" => create::tee(command, rec),
        "cp" => copy::cp(command, rec),
        "mv" => copy::mv(command, rec),
        "ln" => copy::ln(command, rec),
        "install" => copy::install(command, rec),
        "rm" => remove::rm(command, rec),
        "rmdir" => remove::rmdir(command, rec),
        "chmod" => metadata::chmod(command, rec),
        "chown" | "chgrp" => metadata::chown(command, rec),
        "touch" => metadata::touch(command, rec),
        "curl" => download::curl(command, rec),
        "wget" => download::wget(command, rec),
        "git" => download::git(command, rec),
        "tar" => archive::tar(command, rec),
        "unzip" => archive::unzip(command, rec),
        "gzip" | "gunzip" | "xz" | "unxz" | "bzip2" | "bunzip2" => {
            archive::compressor(command, rec);
        }
        _ => packages::apply(command, rec),
    }
}
