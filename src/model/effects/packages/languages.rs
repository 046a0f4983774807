//! Language toolchains: `gem`/`bundle`, `go`, `cargo`, `composer`, `dotnet`, `mvn`, `gradle`,
//! `mix`.

use super::super::command::Command;
use super::super::options::{self, Spec};
use super::super::record::Recorder;
use super::super::state::EnvValue;
use super::{
    cache_contents, cache_dirs, cache_in_default_place, cache_unless_moved, clean,
    install_dependencies, package_names, reads_in,
};
use crate::model::layer::{Cache, Manager, PackageAction};
use crate::model::paths;

/// `gem install` installs and keeps the `.gem` files in the gem cache (whether they are cleaned
/// later is for the rules to see); `gem uninstall` removes.
pub(super) fn gem(command: &Command, rec: &mut Recorder) {
    const GEM: Spec = Spec {
        short: "giknPsv",
        long: &[
            "bindir",
            "build-root",
            "file",
            "install-dir",
            "platform",
            "source",
            "trust-policy",
            "version",
        ],
    };
    let parsed = options::parse(command.args, &GEM);
    let operands = parsed.operands();
    let Some((subcommand, rest)) = operands.split_first() else {
        return;
    };
    let action = match subcommand.text().unwrap_or("") {
        "install" | "i" => PackageAction::Install,
        "update" => PackageAction::Upgrade,
        "uninstall" => {
            let packages = package_names(rest);
            return rec.package(
                command,
                Manager::Gem,
                PackageAction::Remove,
                packages,
                Vec::new(),
            );
        }
        _ => return,
    };
    let packages = package_names(rest);
    rec.package(command, Manager::Gem, action, packages, Vec::new());
    rec.cache(command, Cache::Gem);
}

/// `bundle install` (or bare `bundle`) installs what the Gemfile and its lock declare.
pub(super) fn bundle(command: &Command, rec: &mut Recorder) {
    const BUNDLE: Spec = Spec {
        short: "j",
        long: &["gemfile", "jobs", "path", "retry", "with", "without"],
    };
    let parsed = options::parse(command.args, &BUNDLE);
    let subcommand = parsed
        .operands()
        .first()
        .and_then(|arg| arg.text().map(str::to_string));
    if !matches!(subcommand.as_deref(), None | Some("install")) {
        return;
    }
    let reads = match parsed.value(&["gemfile"]) {
        Some(gemfile) => rec
            .path(command, gemfile)
            .map(|gemfile| vec![gemfile.clone(), format!("{gemfile}.lock")])
            .unwrap_or_default(),
        None => reads_in(command, command.cwd, &["Gemfile", "Gemfile.lock"], rec),
    };
    let action = PackageAction::InstallDependencies;
    rec.package(command, Manager::Bundle, action, Vec::new(), reads);
    rec.cache(command, Cache::Gem);
}

/// `go mod download` fetches what go.mod and go.sum declare; building fills the build and
/// module caches; `go clean -cache` empties the build cache and `-modcache` the module cache.
pub(super) fn go(command: &Command, rec: &mut Recorder) {
    let words: Vec<&str> = command.args.iter().map(|arg| arg.as_written()).collect();
    match words.as_slice() {
        ["clean", flags @ ..] => {
            // Cache::Go's first directory is the build cache, the others the module cache.
            let dirs = cache_dirs(command, Cache::Go, rec);
            let (build, modules) = dirs.split_at(1);
            let mut removed: Vec<String> = Vec::new();
            for (flag, dirs) in [("-cache", build), ("-modcache", modules)] {
                if flags
                    .iter()
                    .any(|f| f.trim_start_matches('-') == &flag[1..])
                {
                    removed.extend(dirs.iter().map(|dir| format!("{dir}/*")));
                }
            }
            if !removed.is_empty() {
                clean(command, Manager::Go, &removed, rec);
            }
            return;
        }
        ["mod", "download", ..] => {
            install_dependencies(command, Manager::Go, &["go.mod", "go.sum"], rec);
        }
        // `go install example.com/tool` without `@version`, in module mode, builds a tool the
        // main module requires (kaniko's credential helpers): the versions come from go.mod and
        // go.sum, not from the project's own sources.
        ["install", rest @ ..] if installs_required_tools(rest) => {
            install_dependencies(command, Manager::Go, &["go.mod", "go.sum"], rec);
        }
        ["build" | "install" | "get" | "test" | "run", ..] => {}
        _ => return,
    }
    let variables = ["GOCACHE", "GOMODCACHE"];
    cache_unless_moved(command, Cache::Go, None, &variables, rec);
}

/// Every package operand is a remote import path (its first element has a dot) without a
/// version; flags are skipped, and any other operand (a local `./cmd/x`, a flag's value) means
/// the command builds something else too.
fn installs_required_tools(args: &[&str]) -> bool {
    let operands: Vec<&&str> = args.iter().filter(|a| !a.starts_with('-')).collect();
    !operands.is_empty()
        && operands.iter().all(|operand| {
            !operand.contains('@')
                && operand
                    .split('/')
                    .next()
                    .is_some_and(|host| host.contains('.') && !host.starts_with('.'))
        })
}

/// `cargo fetch` fetches what Cargo.toml and Cargo.lock declare; building and installing fill
/// the registry cache.
pub(super) fn cargo(command: &Command, rec: &mut Recorder) {
    const CARGO: Spec = Spec {
        short: "FjpZ",
        long: &[
            "bin",
            "color",
            "config",
            "features",
            "jobs",
            "manifest-path",
            "package",
            "profile",
            "root",
            "target",
            "target-dir",
        ],
    };
    // `cargo +nightly build`: the toolchain comes first.
    let args = match command.args.split_first() {
        Some((first, rest)) if first.as_written().starts_with('+') => rest,
        _ => command.args,
    };
    let parsed = options::parse(args, &CARGO);
    let subcommand = parsed
        .operands()
        .first()
        .and_then(|arg| arg.text().map(str::to_string));
    match subcommand.as_deref() {
        Some("fetch") => {
            install_dependencies(command, Manager::Cargo, &["Cargo.toml", "Cargo.lock"], rec);
        }
        Some("build" | "b" | "install" | "run" | "r" | "test" | "t" | "check" | "c") => {}
        _ => return,
    }
    let registry = match command.env_var("CARGO_HOME") {
        EnvValue::Known(home) => Some(paths::resolve("/", &format!("{home}/registry"))),
        EnvValue::Unknown => return,
        EnvValue::Unset => None,
    };
    match registry {
        Some(registry) if rec.is_mounted(&registry) => {}
        _ => rec.cache(command, Cache::Cargo),
    }
}

/// `composer install` installs what composer.json and composer.lock declare; `require`
/// installs, `update` upgrades; `clear-cache` empties the cache.
pub(super) fn composer(command: &Command, rec: &mut Recorder) {
    const COMPOSER: Spec = Spec {
        short: "d",
        long: &["working-dir"],
    };
    let parsed = options::parse(command.args, &COMPOSER);
    let operands = parsed.operands();
    let Some((subcommand, rest)) = operands.split_first() else {
        return;
    };
    let dir = match parsed.value(&["d", "working-dir"]) {
        Some(dir) => rec.path(command, dir),
        None => command.cwd.map(str::to_string),
    };
    match subcommand.text().unwrap_or("") {
        "install" | "i" => {
            let reads = reads_in(
                command,
                dir.as_deref(),
                &["composer.json", "composer.lock"],
                rec,
            );
            let action = PackageAction::InstallDependencies;
            rec.package(command, Manager::Composer, action, Vec::new(), reads);
        }
        "require" | "r" => {
            let packages = package_names(rest);
            rec.package(
                command,
                Manager::Composer,
                PackageAction::Install,
                packages,
                Vec::new(),
            );
        }
        "update" | "u" | "upgrade" => {
            let packages = package_names(rest);
            rec.package(
                command,
                Manager::Composer,
                PackageAction::Upgrade,
                packages,
                Vec::new(),
            );
        }
        "clear-cache" | "clearcache" | "cc" => {
            let contents = cache_contents(command, Cache::Composer, rec);
            return clean(command, Manager::Composer, &contents, rec);
        }
        _ => return,
    }
    cache_unless_moved(command, Cache::Composer, None, &["COMPOSER_CACHE_DIR"], rec);
}

/// `dotnet restore [PROJECT]` reads the project (or every project and solution file in the
/// current directory, as a pattern).
pub(super) fn dotnet(command: &Command, rec: &mut Recorder) {
    const DOTNET: Spec = Spec {
        short: "rsv",
        long: &[
            "configfile",
            "lock-file-path",
            "output",
            "packages",
            "runtime",
            "source",
            "verbosity",
        ],
    };
    let parsed = options::parse(command.args, &DOTNET);
    let operands = parsed.operands();
    let Some((subcommand, rest)) = operands.split_first() else {
        return;
    };
    // Building restores first unless told not to; NuGet puts what it downloads in its global
    // packages folder.
    let restores = match subcommand.text() {
        Some("restore") => true,
        Some("build" | "publish" | "test" | "pack" | "run") => !parsed.has(&["no-restore"]),
        _ => false,
    };
    if restores {
        let moved = parsed.has(&["packages"]);
        cache_in_default_place(command, Cache::Nuget, moved, &["NUGET_PACKAGES"], rec);
    }
    if subcommand.text() != Some("restore") {
        return;
    }
    let reads = match rest.first() {
        Some(project) => rec.path(command, project).into_iter().collect(),
        None => {
            let patterns = ["*.csproj", "*.fsproj", "*.vbproj", "*.sln"];
            reads_in(command, command.cwd, &patterns, rec)
        }
    };
    let action = PackageAction::InstallDependencies;
    rec.package(command, Manager::Dotnet, action, Vec::new(), reads);
}

/// `mvn dependency:go-offline` (or `dependency:resolve`) resolves what pom.xml declares.
pub(super) fn maven(command: &Command, rec: &mut Recorder) {
    const MAVEN: Spec = Spec {
        short: "bDfilPsT",
        long: &[
            "builder",
            "file",
            "global-settings",
            "log-file",
            "projects",
            "settings",
            "threads",
        ],
    };
    let parsed = options::parse(command.args, &MAVEN);
    // Any goal may download plugins and dependencies into the local repository, unless offline;
    // `-Dmaven.repo.local`, a settings file or MAVEN_OPTS may put that repository elsewhere.
    let online = !parsed.has(&["o", "offline"]);
    if online && !parsed.operands().is_empty() {
        let moved = parsed.has(&["s", "settings", "gs", "global-settings"])
            || parsed.values(&["D"]).iter().any(|define| {
                define
                    .text()
                    .is_some_and(|text| text.starts_with("maven.repo.local"))
            });
        let variables = ["MAVEN_OPTS", "MAVEN_ARGS"];
        cache_in_default_place(command, Cache::Maven, moved, &variables, rec);
    }
    let resolves = parsed
        .operands()
        .iter()
        .filter_map(|arg| arg.text())
        .any(|goal| {
            let goal = goal.rsplit(':').next().unwrap_or(goal);
            goal == "go-offline" || goal == "resolve" || goal == "resolve-plugins"
        });
    if !resolves {
        return;
    }
    let reads = match parsed.value(&["f", "file"]) {
        Some(file) => rec
            .path(command, file)
            .map(|path| {
                if path.ends_with(".xml") {
                    path
                } else {
                    format!("{path}/pom.xml")
                }
            })
            .into_iter()
            .collect(),
        None => reads_in(command, command.cwd, &["pom.xml"], rec),
    };
    let action = PackageAction::InstallDependencies;
    rec.package(command, Manager::Maven, action, Vec::new(), reads);
}

/// `gradle TASK…` (or the wrapper) downloads dependencies and keeps build outputs in
/// `~/.gradle/caches`, unless offline or pointed at another user home.
pub(super) fn gradle(command: &Command, rec: &mut Recorder) {
    const GRADLE: Spec = Spec {
        short: "bcDgIpPx",
        long: &[
            "build-file",
            "exclude-task",
            "gradle-user-home",
            "include-build",
            "init-script",
            "project-cache-dir",
            "project-dir",
            "settings-file",
        ],
    };
    let parsed = options::parse(command.args, &GRADLE);
    if parsed.operands().is_empty() || parsed.has(&["offline"]) {
        return;
    }
    let moved = parsed.has(&["g", "gradle-user-home"]);
    cache_in_default_place(command, Cache::Gradle, moved, &["GRADLE_USER_HOME"], rec);
}

/// `mix deps.get` fetches what mix.exs and mix.lock declare.
pub(super) fn mix(command: &Command, rec: &mut Recorder) {
    let parsed = options::parse(command.args, &Spec::NONE);
    if parsed.operands().first().and_then(|arg| arg.text()) == Some("deps.get") {
        install_dependencies(command, Manager::Mix, &["mix.exs", "mix.lock"], rec);
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::testing::{TestEnv, caches};
    use crate::model::layer::{Cache, Manager, PackageAction};

    fn summary(effects: &crate::model::Effects) -> Vec<(Manager, PackageAction, Vec<String>)> {
        effects
            .packages
            .iter()
            .map(|op| (op.manager, op.action, op.reads.clone()))
            .collect()
    }

    #[test]
    fn builds_fill_their_dependency_caches_in_the_default_place() {
        for (script, cache) in [
            ("mvn -B package", Cache::Maven),
            ("./mvnw dependency:go-offline", Cache::Maven),
            ("gradle build --no-daemon", Cache::Gradle),
            ("./gradlew bootJar", Cache::Gradle),
            ("dotnet restore", Cache::Nuget),
            ("dotnet publish -c Release -o /app", Cache::Nuget),
        ] {
            let effects = TestEnv::new().workdir("/src").run(script);
            assert_eq!(caches(&effects), [cache], "{script}");
        }
    }

    #[test]
    fn a_dependency_cache_that_may_have_moved_or_downloads_nothing_is_not_recorded() {
        for script in [
            "mvn -o package",
            "mvn -Dmaven.repo.local=/repo package",
            "mvn -s /settings.xml package",
            "mvn --version",
            "gradle --offline build",
            "gradle -g /cache build",
            "gradle --version",
            "dotnet publish --no-restore -o /app",
            "dotnet restore --packages /pkgs",
        ] {
            let effects = TestEnv::new().workdir("/src").run(script);
            assert!(caches(&effects).is_empty(), "{script}");
        }
        let moved = TestEnv::new()
            .var("GRADLE_USER_HOME", Some("/cache"))
            .run("gradle build");
        assert!(caches(&moved).is_empty());
        let mounted = TestEnv::new()
            .mount("/root/.m2")
            .workdir("/src")
            .run("mvn package");
        assert!(caches(&mounted).is_empty());
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    const DEPS: PackageAction = PackageAction::InstallDependencies;

    #[test]
    fn ruby() {
        let effects = TestEnv::new()
            .workdir("/app")
            .run("gem install bundler -v 2.5 --no-document && bundle install --jobs 4");
        assert_eq!(
            summary(&effects),
            [
                (Manager::Gem, PackageAction::Install, vec![]),
                (
                    Manager::Bundle,
                    DEPS,
                    strings(&["/app/Gemfile", "/app/Gemfile.lock"])
                )
            ]
        );
        assert_eq!(effects.packages[0].packages, ["bundler"]);
        assert_eq!(caches(&effects), [Cache::Gem, Cache::Gem]);
    }

    #[test]
    fn go_modules_and_builds() {
        let effects = TestEnv::new()
            .workdir("/src")
            .run("go mod download && go build -o /bin/app ./cmd/app && go version");
        assert_eq!(
            summary(&effects),
            [(Manager::Go, DEPS, strings(&["/src/go.mod", "/src/go.sum"]))]
        );
        assert_eq!(caches(&effects), [Cache::Go, Cache::Go]);
        let effects = TestEnv::new().run("go build ./... && go clean -cache");
        let deleted: Vec<&str> = effects.deletes.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(deleted, ["/root/.cache/go-build/*"]);
        assert!(effects.cleans(Cache::Go, "/root"));
        let effects = TestEnv::new().run("go build ./... && go clean -testcache");
        assert!(!effects.cleans(Cache::Go, "/root"));
        let effects = TestEnv::new()
            .mount("/root/.cache/go-build")
            .run("go build ./...");
        assert!(effects.caches.is_empty());
    }

    #[test]
    fn go_install_of_a_required_tool_reads_go_mod() {
        let effects = TestEnv::new()
            .workdir("/src")
            .run("go install github.com/awslabs/amazon-ecr-credential-helper/ecr-login/cli/x");
        assert_eq!(
            summary(&effects),
            [(Manager::Go, DEPS, strings(&["/src/go.mod", "/src/go.sum"]))]
        );
        for other in [
            "go install golang.org/x/tools/gopls@latest",
            "go install ./cmd/app",
            "go install -tags netgo example.com/x",
        ] {
            let effects = TestEnv::new().workdir("/src").run(other);
            assert!(effects.packages.is_empty(), "{other}");
        }
    }

    #[test]
    fn cargo_fetch_and_build() {
        let effects = TestEnv::new()
            .workdir("/src")
            .run("cargo fetch --locked && cargo +nightly build --release -p app && cargo fmt");
        assert_eq!(
            summary(&effects),
            [(
                Manager::Cargo,
                DEPS,
                strings(&["/src/Cargo.toml", "/src/Cargo.lock"])
            )]
        );
        assert_eq!(caches(&effects), [Cache::Cargo, Cache::Cargo]);
        let effects = TestEnv::new()
            .var("CARGO_HOME", Some("/usr/local/cargo"))
            .mount("/usr/local/cargo/registry")
            .run("cargo build");
        assert!(effects.caches.is_empty());
    }

    #[test]
    fn composer() {
        let effects = TestEnv::new()
            .workdir("/var/www")
            .run("composer install --no-dev -o && composer clear-cache");
        assert_eq!(
            summary(&effects),
            [
                (
                    Manager::Composer,
                    DEPS,
                    strings(&["/var/www/composer.json", "/var/www/composer.lock"])
                ),
                (Manager::Composer, PackageAction::Clean, vec![])
            ]
        );
        assert_eq!(caches(&effects), [Cache::Composer]);
        assert_eq!(effects.deletes.len(), 2);
    }

    #[test]
    fn dotnet_maven_mix() {
        let effects = TestEnv::new().workdir("/src").run(
            "dotnet restore && dotnet restore App/App.csproj -s https://nuget && mvn -B -f /src/svc dependency:go-offline \
             && ./mvnw -q dependency:resolve && mix deps.get --only prod && mvn package",
        );
        assert_eq!(
            summary(&effects),
            [
                (
                    Manager::Dotnet,
                    DEPS,
                    strings(&[
                        "/src/*.csproj",
                        "/src/*.fsproj",
                        "/src/*.vbproj",
                        "/src/*.sln"
                    ])
                ),
                (Manager::Dotnet, DEPS, strings(&["/src/App/App.csproj"])),
                (Manager::Maven, DEPS, strings(&["/src/svc/pom.xml"])),
                (Manager::Maven, DEPS, strings(&["/src/pom.xml"])),
                (
                    Manager::Mix,
                    DEPS,
                    strings(&["/src/mix.exs", "/src/mix.lock"])
                ),
            ]
        );
    }
}
