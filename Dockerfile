# syntax=docker/dockerfile:1
# The Latchkey server as a container image: docs/container.md.
#
#   docker build -t latchkey .
#   docker run --read-only --tmpfs /tmp -p 8080:8080 -v latchkey-data:/data \
#     -e Latchkey__Issuer=http://localhost:8080 latchkey
#
# ContainerImageTests publishes the server with this file's `dotnet publish` line and runs the output with its ENV,
# WORKDIR, ENTRYPOINT and HEALTHCHECK, so keep each of those on one instruction of its own.

# Build: the SDK image. The restore is its own layer, keyed by the build settings and project files alone, so that
# a change of source reuses it.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source
COPY global.json Directory.Build.props Directory.Packages.props BannedSymbols.txt .editorconfig ./
COPY src/Latchkey.Tokens/Latchkey.Tokens.csproj src/Latchkey.Tokens/
COPY src/Latchkey.Core/Latchkey.Core.csproj src/Latchkey.Core/
COPY src/Latchkey.AspNetCore.ResourceServer/Latchkey.AspNetCore.ResourceServer.csproj src/Latchkey.AspNetCore.ResourceServer/
COPY src/Latchkey.AspNetCore/Latchkey.AspNetCore.csproj src/Latchkey.AspNetCore/
COPY src/Latchkey.Stores.Relational/Latchkey.Stores.Relational.csproj src/Latchkey.Stores.Relational/
COPY src/Latchkey.Stores.Sqlite/Latchkey.Stores.Sqlite.csproj src/Latchkey.Stores.Sqlite/
COPY src/Latchkey.Stores.PostgreSql/Latchkey.Stores.PostgreSql.csproj src/Latchkey.Stores.PostgreSql/
COPY src/Latchkey.Stores.Redis/Latchkey.Stores.Redis.csproj src/Latchkey.Stores.Redis/
COPY src/Latchkey.Server/Latchkey.Server.csproj src/Latchkey.Server/
RUN dotnet restore src/Latchkey.Server/Latchkey.Server.csproj
COPY src/ src/
RUN dotnet publish src/Latchkey.Server/Latchkey.Server.csproj -c Release -o /app --no-restore -p:UseAppHost=false
# The mount point of the data volume; the runtime image has no shell to make it, so it is copied over.
RUN mkdir /data

# Runtime: ASP.NET Core on Ubuntu Chiseled, no shell or package manager; "extra" adds ICU, which password
# normalization (NFKC) needs, and time zones. Non-root: the image's `app` user (APP_UID, 1654).
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled-extra AS runtime
WORKDIR /app
# The application stays owned by root: the server cannot change its own files.
COPY --from=build /app ./
COPY LICENSE NOTICE ./
# Everything the server keeps (SQLite database, generated master secret, mail pickup folder) is in /data, owned by
# the app user; a new named volume takes this folder's owner. Besides it the server writes only under /tmp, so the
# root filesystem may be read-only (`--read-only --tmpfs /tmp`).
COPY --from=build --chown=$APP_UID:$APP_UID /data /data
ENV Latchkey__DataDirectory=/data
ENV ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080
VOLUME ["/data"]
USER $APP_UID
# `healthcheck` asks the server's /healthz on the port above and exits 0 or 1; it builds no host.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["dotnet", "Latchkey.Server.dll", "healthcheck"]
ENTRYPOINT ["dotnet", "Latchkey.Server.dll"]
