# layerlint's own image: a static (musl) binary on an empty base, run as an unprivileged user.
#   docker build -t layerlint .
#   docker run --rm -i layerlint < Dockerfile
#   docker run --rm -v "$PWD:/src:ro" -w /src layerlint check .
# The `build` stage can be replaced by a directory holding out/layerlint (a binary built
# elsewhere): `buildah bud --build-context build=DIR .`, which is how tests/container_image.rs
# builds this file without a registry.

FROM rust:1.95-alpine AS build
WORKDIR /src
# The manifests, the build script and its inputs (rules/*.yaml), then the sources: each COPY
# names only what the binary is built from.
COPY Cargo.toml Cargo.lock build.rs ./
COPY rules rules
COPY src src
# The registry and target directories are caches: a rebuild downloads and compiles only what
# changed, and neither ends up in a layer. The rust:alpine target is musl, static by default.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin layerlint \
    && install -D -m 0755 target/release/layerlint /out/layerlint

FROM scratch
COPY --from=build /out/layerlint /layerlint
USER 65532:65532
ENTRYPOINT ["/layerlint"]
CMD ["check", "-"]
