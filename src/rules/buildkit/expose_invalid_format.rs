//! ExposeInvalidFormat: `EXPOSE` with an IP address or a host port (`127.0.0.1:80:80`,
//! `8000:80`): publishing belongs to `docker run -p`; the image can only declare its own ports.

use super::exposed_ports;
use crate::rules::{Context, Rule};

pub struct ExposeInvalidFormat;

impl Rule for ExposeInvalidFormat {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for word in exposed_ports(cx.dockerfile).filter(|w| w.text.contains(':')) {
            cx.report(
                word.span,
                format!(
                    "EXPOSE instruction should not define an IP address or host-port mapping, \
                     found '{}'",
                    word.text
                ),
            );
        }
    }
}
