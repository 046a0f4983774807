//! What the model knows of base images by name: facts a Dockerfile relies on but cannot show.

/// The repository of an image reference, without its tag or digest and without Docker Hub's
/// implied `docker.io/` and `library/` prefixes (`docker.io/library/python:3.12@sha256:…` is
/// `python`). A `:` followed by a `/` belongs to a registry's port, not a tag.
fn repository(image: &str) -> &str {
    let name = image.split('@').next().unwrap_or(image);
    let repository = match name.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => repo,
        _ => name,
    };
    let short = repository.strip_prefix("docker.io/").unwrap_or(repository);
    short.strip_prefix("library/").unwrap_or(short)
}

/// Images known to leave the working directory at `/` (they set no `WORKDIR`). For any other
/// image the working directory is unknown until the Dockerfile sets one.
pub fn known_workdir(image: &str) -> Option<String> {
    let short = repository(image);
    const ROOT_WORKDIR: &[&str] = &[
        "alpine",
        "busybox",
        "debian",
        "ubuntu",
        "centos",
        "fedora",
        "rockylinux",
        "almalinux",
        "amazonlinux",
        "archlinux",
        "oraclelinux",
        "python",
        "node",
        "ruby",
        "openjdk",
        "eclipse-temurin",
        "amazoncorretto",
        "rust",
        "buildpack-deps",
        "perl",
        "erlang",
        "elixir",
        "haskell",
        "swift",
        "clojure",
        "gcc",
        "julia",
    ];
    let root = ROOT_WORKDIR.contains(&short)
        || short.starts_with("opensuse/")
        || short.starts_with("registry.access.redhat.com/ubi")
        || short.starts_with("gcr.io/distroless/")
        || short.starts_with("mirror.gcr.io/")
            && ROOT_WORKDIR.contains(&short.trim_start_matches("mirror.gcr.io/"));
    root.then(|| "/".to_string())
}

/// Images known to set `PIP_NO_CACHE_DIR` in their environment (to `off`, which pip reads as "no
/// cache", like any value): Sentry's images, official and CentOS's. pip under them fills no cache.
pub fn keeps_pip_cache_off(image: &str) -> bool {
    const PIP_CACHE_OFF: &[&str] = &[
        "sentry",
        "registry.centos.org/centos7/sentry",
        "registry.centos.org/centos7/sentry-sso",
    ];
    PIP_CACHE_OFF.contains(&repository(image))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_repository_drops_tag_digest_and_docker_hub_prefixes() {
        assert_eq!(
            repository("docker.io/library/python:3.12@sha256:ab"),
            "python"
        );
        assert_eq!(
            repository("localhost:5000/team/app:1"),
            "localhost:5000/team/app"
        );
        assert_eq!(
            repository("localhost:5000/team/app"),
            "localhost:5000/team/app"
        );
        assert_eq!(repository("sentry:9-onbuild"), "sentry");
    }

    #[test]
    fn known_images_by_repository_only() {
        assert_eq!(known_workdir("alpine:3.20").as_deref(), Some("/"));
        assert_eq!(known_workdir("golang:1.22"), None);
        assert!(keeps_pip_cache_off(
            "registry.centos.org/centos7/sentry:latest"
        ));
        assert!(!keeps_pip_cache_off("sentryx"));
        assert!(!keeps_pip_cache_off("getsentry/sentry"));
    }
}
