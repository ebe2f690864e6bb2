# syntax=docker/dockerfile:1
# A small runtime image for keos-promote: built with Swift on Debian 12 (libgit2 1.5 and the libraries it uses
# are linked in from Debian's archives), run on debian:bookworm-slim with Kerberos's GSSAPI library, which the
# binary opens only when a server asks for Negotiate authentication.
#
#   docker build -t keos-promote .
#   docker run --rm -v "$PWD:/repo" keos-promote -C /repo --dry-run --staging-status /repo/staging-1.json

ARG SWIFT_VERSION=6.3
FROM swift:${SWIFT_VERSION}-bookworm AS build
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libgit2-dev libdeflate-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Package.swift names every target, tests included, so their folders must be present to resolve.
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
# The release build as scripts/install and scripts/bench make it (scripts/lib/release-build.sh).
COPY scripts/lib/release-build.sh ./scripts/lib/release-build.sh
RUN bash -c '. scripts/lib/release-build.sh && release_build --product keos-promote \
        && install -D -m 0755 "$(release_bin_path)/keos-promote" /out/keos-promote' \
    && /out/keos-promote generate-manual > /out/keos-promote.1

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libgssapi-krb5-2 ca-certificates openssh-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --uid 10001 --user-group --create-home --home-dir /home/keos keos
COPY --from=build /out/keos-promote /usr/local/bin/keos-promote
COPY --from=build /out/keos-promote.1 /usr/local/share/man/man1/keos-promote.1
USER 10001:10001
WORKDIR /home/keos
ENTRYPOINT ["keos-promote"]
CMD ["--help"]
