# chiso: multi-stage build. libsqlite3 and libpq are compiled in (bundled crate features);
# migrations and the dataset are embedded in the binary.
FROM rust:1-slim-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends pkg-config libssl-dev make perl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
COPY .cargo .cargo
COPY src src
COPY migrations migrations
COPY data data
COPY tests tests
RUN cargo build --release --locked --bin chiso

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates libssl3 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/chiso chiso \
    && mkdir -p /var/lib/chiso \
    && chown chiso:chiso /var/lib/chiso
COPY --from=build /src/target/release/chiso /usr/local/bin/chiso
USER chiso
WORKDIR /var/lib/chiso
# The SQLite database lives here; mount a volume to keep it.
VOLUME ["/var/lib/chiso"]
ENV DATABASE_URL=sqlite:///var/lib/chiso/chiso.db \
    CHISO_BIND=0.0.0.0:8080 \
    RUST_LOG=info
EXPOSE 8080
ENTRYPOINT ["chiso"]
CMD ["serve"]
