//! The environment variables some official images define, for UndefinedVar: BuildKit reads the
//! pulled image's configuration, a static linter cannot, so a variable is reported undefined
//! only when every base of its stage is known. Each list is the union over the image's tags and
//! variants (a name set by any of them counts as defined), so a tag that sets fewer only makes
//! the rule quieter, never wrong. An image not listed makes its stages unknown.

use crate::rules::instructions::image_ref;

const PATH_ONLY: &[&str] = &["PATH"];

const IMAGES: &[(&str, &[&str])] = &[
    ("alpine", PATH_ONLY),
    ("busybox", PATH_ONLY),
    ("debian", PATH_ONLY),
    ("ubuntu", PATH_ONLY),
    (
        "golang",
        &["PATH", "GOLANG_VERSION", "GOPATH", "GOTOOLCHAIN"],
    ),
    ("node", &["PATH", "NODE_VERSION", "YARN_VERSION"]),
    (
        "python",
        &[
            "PATH",
            "LANG",
            "GPG_KEY",
            "PYTHON_VERSION",
            "PYTHON_SHA256",
            "PYTHON_PIP_VERSION",
            "PYTHON_SETUPTOOLS_VERSION",
            "PYTHON_GET_PIP_URL",
            "PYTHON_GET_PIP_SHA256",
        ],
    ),
];

/// The variables a base image may define; `None` when the image is not known.
pub fn environment(image: &str) -> Option<&'static [&'static str]> {
    if image.eq_ignore_ascii_case("scratch") {
        // BuildKit gives an empty image the default PATH.
        return Some(PATH_ONLY);
    }
    if image.contains('$') {
        return None;
    }
    let reference = image_ref(image);
    if reference.registry.is_some_and(|r| r != "docker.io") {
        return None;
    }
    let path = reference
        .path
        .strip_prefix("library/")
        .unwrap_or(reference.path);
    IMAGES
        .iter()
        .find(|(name, _)| *name == path)
        .map(|(_, env)| *env)
}
