//! DL3011 invalid-port: an `EXPOSE` port outside 0–65535.

use crate::rules::{Context, Rule};
use crate::syntax::{Args, Keyword};

pub struct InvalidPort;

impl Rule for InvalidPort {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for instruction in cx.dockerfile.instructions() {
            if instruction.keyword != Keyword::Expose {
                continue;
            }
            let Args::Words(words) = &instruction.args else {
                continue;
            };
            for word in words {
                let text = super::unquoted(&word.text);
                let ports = text.split('/').next().unwrap_or(text);
                // A range `low-high`; a part with a variable is unknown and left alone.
                let too_big = ports
                    .split('-')
                    .filter_map(|p| p.parse::<u64>().ok())
                    .find(|&p| p > 65535);
                if let Some(port) = too_big {
                    cx.report(
                        word.span,
                        format!("`{text}`: port {port} is out of range (ports are 0–65535)"),
                    );
                }
            }
        }
    }
}
