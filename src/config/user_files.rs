//! Where hadolint looks for its configuration when a project has none: a hadolint user's
//! personal `hadolint.yaml` keeps working after the switch. Searched after layerlint's own walk
//! up from the Dockerfile (`.layerlint.yaml`, then `.hadolint.yaml`), in hadolint's order; the
//! first file that exists wins:
//!
//! 1. `$PWD/.hadolint.yaml`, `$PWD/.hadolint.yml`
//! 2. `$XDG_CONFIG_HOME/hadolint.yaml`, `.yml` (`~/.config` when the variable is unset or empty)
//! 3. `~/.hadolint/hadolint.yaml`, `hadolint.yml`, `config.yaml`, `config.yml`
//! 4. `~/.hadolint.yaml`, `~/.hadolint.yml`

use std::path::{Path, PathBuf};

/// The places a user's configuration is looked for, and what they are found from.
#[derive(Clone, Debug, Default)]
pub struct UserDirs {
    /// The working directory.
    pub cwd: Option<PathBuf>,
    /// `$HOME`.
    pub home: Option<PathBuf>,
    /// `$XDG_CONFIG_HOME`, when set to something.
    pub xdg_config: Option<PathBuf>,
}

impl UserDirs {
    /// The directories of this process.
    pub fn from_process() -> UserDirs {
        let var = |name: &str| {
            std::env::var_os(name)
                .filter(|value| !value.is_empty())
                .map(PathBuf::from)
        };
        UserDirs {
            cwd: std::env::current_dir().ok(),
            home: var("HOME"),
            xdg_config: var("XDG_CONFIG_HOME"),
        }
    }

    /// Every candidate file, in the order they are tried.
    pub fn candidates(&self) -> Vec<PathBuf> {
        let mut found = Vec::new();
        let mut add = |dir: Option<&Path>, names: &[&str]| {
            if let Some(dir) = dir {
                found.extend(names.iter().map(|name| dir.join(name)));
            }
        };
        let hidden = [".hadolint.yaml", ".hadolint.yml"];
        let visible = ["hadolint.yaml", "hadolint.yml"];
        add(self.cwd.as_deref(), &hidden);
        let xdg = self
            .xdg_config
            .clone()
            .or_else(|| self.home.as_ref().map(|home| home.join(".config")));
        add(xdg.as_deref(), &visible);
        let app = self.home.as_ref().map(|home| home.join(".hadolint"));
        add(
            app.as_deref(),
            &["hadolint.yaml", "hadolint.yml", "config.yaml", "config.yml"],
        );
        add(self.home.as_deref(), &hidden);
        found
    }

    /// The first candidate that is a file.
    pub fn find(&self) -> Option<PathBuf> {
        self.candidates().into_iter().find(|path| path.is_file())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hadolints_order_and_the_yml_variants() {
        let dirs = UserDirs {
            cwd: Some("/work".into()),
            home: Some("/home/u".into()),
            xdg_config: None,
        };
        let names: Vec<String> = dirs
            .candidates()
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        assert_eq!(
            names,
            [
                "/work/.hadolint.yaml",
                "/work/.hadolint.yml",
                "/home/u/.config/hadolint.yaml",
                "/home/u/.config/hadolint.yml",
                "/home/u/.hadolint/hadolint.yaml",
                "/home/u/.hadolint/hadolint.yml",
                "/home/u/.hadolint/config.yaml",
                "/home/u/.hadolint/config.yml",
                "/home/u/.hadolint.yaml",
                "/home/u/.hadolint.yml",
            ]
        );
        let xdg = UserDirs {
            xdg_config: Some("/xdg".into()),
            ..dirs
        };
        assert_eq!(xdg.candidates()[2], PathBuf::from("/xdg/hadolint.yaml"));
    }

    #[test]
    fn the_first_existing_file_wins() {
        let root = std::env::temp_dir().join(format!("layerlint-user-{}", std::process::id()));
        let home = root.join("home");
        std::fs::create_dir_all(home.join(".hadolint")).expect("dirs");
        let dirs = UserDirs {
            cwd: Some(root.join("cwd")),
            home: Some(home.clone()),
            xdg_config: None,
        };
        assert_eq!(dirs.find(), None);
        std::fs::write(home.join(".hadolint.yaml"), "").expect("last place");
        assert_eq!(dirs.find(), Some(home.join(".hadolint.yaml")));
        std::fs::write(home.join(".hadolint/config.yml"), "").expect("earlier place");
        assert_eq!(dirs.find(), Some(home.join(".hadolint/config.yml")));
        let _ = std::fs::remove_dir_all(&root);
    }
}
