# syntax=docker/dockerfile:1
#
# StreamMI worker image: `docker buildx build -t streammi .` from the repository root.
#
# Build stage: the .NET SDK publishes src/StreamMI.Cli self-contained with
# deploy/publish.sh, the same script the tests run. It runs on the build machine's own
# platform and publishes for the target architecture, so a multi-platform build
# (--platform linux/amd64,linux/arm64) needs no emulation.
#
# Run stage: Ubuntu Chiseled runtime-deps, glibc-based and distroless: no shell, no package
# manager, only the native libraries .NET needs. .NET 10 ships no Debian images (its
# Linux default is Ubuntu 24.04 "noble"), so bookworm-slim is not an option. The program
# runs as the image's non-root user (UID 1654) and writes nothing under /app, so the root
# filesystem can be mounted read-only; give it a writable /tmp (an emptyDir in Kubernetes,
# `--tmpfs /tmp` with docker run) for .NET's diagnostics socket.
ARG DOTNET_VERSION=10.0

FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION}-noble AS build
ARG TARGETARCH
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ src/
COPY deploy/publish.sh deploy/
# Shell form, because only a shell expands the TARGETARCH build argument (amd64, arm64).
RUN --mount=type=cache,id=streammi-nuget,target=/root/.nuget/packages \
    /src/deploy/publish.sh /out "$TARGETARCH"

FROM mcr.microsoft.com/dotnet/runtime-deps:${DOTNET_VERSION}-noble-chiseled AS runtime
WORKDIR /app
# Owned by root and not writable by the worker's user.
COPY --from=build --chown=0:0 /out/ /app/
# The worker binds its HTTP endpoint itself (StreamMI:HttpAddress, StreamMI:HttpPort, 0.0.0.0
# and 8080 by default); the base image's ASPNETCORE_HTTP_PORTS is cleared so that ASP.NET Core
# does not warn at every start that it is overridden.
ENV ASPNETCORE_HTTP_PORTS="" \
    DOTNET_ENVIRONMENT=Production
EXPOSE 8080
# Numeric, so that Kubernetes' runAsNonRoot can verify it without a passwd lookup.
USER 1654:1654
# No HEALTHCHECK: the image has no shell or HTTP client to run one. Kubernetes probes
# /healthz/live and /healthz/ready over HTTP instead.
ENTRYPOINT ["/app/streammi", "run"]
