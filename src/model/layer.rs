//! What one layer-creating step does to the image: the files it adds, removes and touches, the
//! package caches it leaves, the package-manager work it does, and what its cache key reads.

use crate::span::Span;

/// One path effect: a path (absolute, normalised, possibly a glob pattern) and where in the
/// file the command or word that causes it sits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathEffect {
    pub path: String,
    /// A directory effect that covers everything below it (`rm -r`, `chmod -R`, `COPY dir/`).
    pub recursive: bool,
    /// The command that causes it (`rm`, `tar`, `COPY` …), for messages.
    pub via: String,
    pub span: Span,
}

/// Package-manager caches that end up in a layer unless removed in the same step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cache {
    /// `/var/lib/apt/lists/*` (apt-get update).
    AptLists,
    /// `/var/cache/apt/archives/*.deb` (apt-get install).
    AptArchives,
    /// `/var/cache/apk/*`.
    Apk,
    /// `/var/cache/yum`.
    Yum,
    /// `/var/cache/dnf`.
    Dnf,
    /// `/var/cache/yum`: microdnf (libdnf) keeps its cache there, not in dnf's directory.
    /// Where dnf5 stands in for microdnf (Fedora 40 on), `/var/cache/libdnf5`.
    Microdnf,
    /// `/var/cache/zypp`.
    Zypper,
    /// `~/.cache/pip`.
    Pip,
    /// `~/.npm`.
    Npm,
    /// `~/.cache/yarn` / `/usr/local/share/.cache/yarn`.
    Yarn,
    /// `~/.cache/go-build`, `$GOPATH/pkg/mod`.
    Go,
    /// `~/.cargo/registry`.
    Cargo,
    /// `~/.gem`, `$GEM_HOME/cache`.
    Gem,
    /// `~/.composer/cache` / `~/.cache/composer`.
    Composer,
    /// pnpm's content-addressed store, `~/.local/share/pnpm/store` (without `PNPM_HOME`).
    Pnpm,
    /// Maven's local repository, `~/.m2/repository`.
    Maven,
    /// Gradle's dependency and build caches, `~/.gradle/caches`.
    Gradle,
    /// NuGet's global packages folder, `~/.nuget/packages`.
    Nuget,
}

impl Cache {
    /// Whether this is a system package manager's cache, kept in fixed system directories
    /// (the others live under the user's home directory).
    pub fn is_system(self) -> bool {
        // No `_` arm: a new cache must be placed on one side or the other.
        match self {
            Cache::AptLists
            | Cache::AptArchives
            | Cache::Apk
            | Cache::Yum
            | Cache::Dnf
            | Cache::Microdnf
            | Cache::Zypper => true,
            Cache::Pip
            | Cache::Yarn
            | Cache::Npm
            | Cache::Pnpm
            | Cache::Maven
            | Cache::Gradle
            | Cache::Nuget
            | Cache::Go
            | Cache::Cargo
            | Cache::Gem
            | Cache::Composer => false,
        }
    }

    /// The directories this cache lives in, for a user whose home is `home`.
    pub fn dirs(self, home: &str) -> Vec<String> {
        let home = home.trim_end_matches('/');
        let at = |suffix: &str| format!("{home}/{suffix}");
        match self {
            Cache::AptLists => vec!["/var/lib/apt/lists".into()],
            Cache::AptArchives => vec!["/var/cache/apt/archives".into()],
            Cache::Apk => vec!["/var/cache/apk".into(), "/etc/apk/cache".into()],
            Cache::Yum => vec!["/var/cache/yum".into()],
            // dnf5 (Fedora 41 on) keeps its cache in /var/cache/libdnf5. /var/cache/yum is not
            // dnf's, but hadolint accepts deleting it by hand as a dnf cleanup, and so does the
            // model (see `cache_state::deletes_cache`).
            Cache::Dnf => vec![
                "/var/cache/dnf".into(),
                "/var/cache/yum".into(),
                "/var/cache/libdnf5".into(),
            ],
            Cache::Microdnf => vec!["/var/cache/yum".into(), "/var/cache/libdnf5".into()],
            Cache::Zypper => vec!["/var/cache/zypp".into()],
            Cache::Pip => vec![at(".cache/pip")],
            Cache::Npm => vec![at(".npm")],
            Cache::Yarn => vec![at(".cache/yarn"), "/usr/local/share/.cache/yarn".into()],
            Cache::Go => vec![
                at(".cache/go-build"),
                "/go/pkg/mod".into(),
                at("go/pkg/mod"),
            ],
            Cache::Cargo => vec!["/usr/local/cargo/registry".into(), at(".cargo/registry")],
            Cache::Gem => vec![at(".gem"), "/usr/local/bundle/cache".into()],
            Cache::Composer => vec![at(".composer/cache"), at(".cache/composer")],
            Cache::Pnpm => vec![at(".local/share/pnpm/store")],
            Cache::Maven => vec![at(".m2/repository")],
            Cache::Gradle => vec![at(".gradle/caches")],
            Cache::Nuget => vec![at(".nuget/packages")],
        }
    }
}

/// A cache a step fills, and the command that fills it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheFill {
    pub cache: Cache,
    pub span: Span,
    /// Under which condition the command ran (see `Guard`).
    pub guard: Guard,
}

/// When a command of a script runs, as far as the model can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Guard {
    /// Whenever the script runs.
    Always,
    /// Only when a condition holds: inside an `if` or `case` branch or a loop, after `||`. The
    /// number names the branch in `Effects::scopes`, so a later command in the same branch (or an
    /// enclosing one) is known to run whenever this one did.
    Scope(u32),
    /// Maybe, maybe not, with nothing to relate it to (a background job).
    Never,
}

/// The package managers the model knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Manager {
    Apt,
    Apk,
    Yum,
    Dnf,
    Microdnf,
    Zypper,
    Pip,
    Uv,
    Poetry,
    Pipenv,
    Npm,
    Yarn,
    Pnpm,
    Gem,
    Bundle,
    Go,
    Cargo,
    Composer,
    Dotnet,
    Maven,
    Gradle,
    Mix,
}

impl Manager {
    /// Whether it installs the operating system's packages (apt, apk, the rpm family, zypper)
    /// rather than a language's.
    pub fn is_system(self) -> bool {
        matches!(
            self,
            Manager::Apt
                | Manager::Apk
                | Manager::Yum
                | Manager::Dnf
                | Manager::Microdnf
                | Manager::Zypper
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PackageAction {
    /// Refresh the package index (`apt-get update`, `apk update`, `yum makecache`, `zypper refresh`).
    Update,
    /// Install packages (`apt-get install`, `apk add`, `pip install` …).
    Install,
    /// Install a project's declared dependencies from its manifest or lock file (`npm ci`,
    /// `pip install -r requirements.txt`, `go mod download` …).
    InstallDependencies,
    Remove,
    Upgrade,
    /// Remove the manager's cache (`apt-get clean`, `yum clean all`, `npm cache clean`).
    Clean,
}

/// One package-manager command in a `RUN`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageOp {
    pub manager: Manager,
    pub action: PackageAction,
    /// The whole command in the file.
    pub span: Span,
    /// Package names or specs as written (for `Install`/`Remove`).
    pub packages: Vec<String>,
    /// Files the command reads from the working directory (`requirements.txt`, `package.json`,
    /// `package-lock.json`, `go.mod` …), resolved to absolute paths; empty when not known.
    pub reads: Vec<String>,
    /// Under which condition it runs.
    pub guard: Guard,
}

/// What the step's build-cache key depends on, besides the instruction text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// Files from the build context (`COPY`/`ADD` sources, bind mounts), as written.
    Context { sources: Vec<String>, span: Span },
    /// Files from another stage or image (`COPY --from`, `RUN --mount=from=`).
    Stage {
        from: String,
        sources: Vec<String>,
        span: Span,
    },
    /// A remote URL or git repository (`ADD https://…`).
    Remote { url: String, span: Span },
}

/// Everything the model knows about one layer-creating step.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Effects {
    pub creates: Vec<PathEffect>,
    pub deletes: Vec<PathEffect>,
    /// Deletes that run only under a condition, with the branch they run in. They remove a
    /// file only for what ran in the same branch before them (an `apt-get update` and its
    /// cleanup inside one `if`).
    pub guarded_deletes: Vec<(PathEffect, u32)>,
    /// The branch tree of `Guard::Scope`: `scopes[i]` is the parent of branch `i + 1`; branch 0
    /// is the script itself.
    pub scopes: Vec<u32>,
    pub touches: Vec<PathEffect>,
    pub caches: Vec<CacheFill>,
    /// Caches a command would fill but keeps out of the layer by an option of its own (`pip
    /// install --no-cache-dir`, `apk add --no-cache`): each build downloads everything again,
    /// which a cache mount would spare (LL307). Not recorded under a mount of the cache.
    pub kept_out: Vec<CacheFill>,
    pub packages: Vec<PackageOp>,
    pub inputs: Vec<Input>,
    /// Parts of the script the model could not read (a non-sh shell, opaque syntax, a command
    /// substitution it did not enter): rules must not conclude that something is absent.
    pub unread: Vec<Span>,
}

impl Effects {
    /// Whether a command under guard `later` runs whenever one under `earlier` did (before it in
    /// the same script): it is unconditional, or in the same branch or an enclosing one.
    pub fn runs_whenever(&self, later: Guard, earlier: Guard) -> bool {
        match (later, earlier) {
            (Guard::Always, _) => true,
            (Guard::Never, _) | (Guard::Scope(_), Guard::Always | Guard::Never) => false,
            (Guard::Scope(outer), Guard::Scope(mut inner)) => loop {
                if inner == outer {
                    return true;
                }
                match inner
                    .checked_sub(1)
                    .and_then(|i| self.scopes.get(i as usize))
                {
                    Some(&parent) if parent != inner => inner = parent,
                    _ => return false,
                }
            },
        }
    }
}
