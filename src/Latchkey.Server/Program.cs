using Latchkey.Server;

// A configuration error (a bad setting, a master secret that does not decrypt the stored keys) ends every mode
// with one line per problem on stderr and exit code 78, instead of a stack trace (StartupErrors).
return await StartupErrors.ReportAsync(args switch
{
    // `keys rotate` schedules a new signing key in the data directory's store and exits; running
    // servers pick it up at their next key refresh.
    ["keys", "rotate", ..] => () => KeyCommands.RotateAsync(args[2..]),

    // `accounts disable|enable|delete <id|email> [--json]` changes one account and exits (AccountCommands).
    ["accounts", ..] => () => AccountCommands.RunAsync(args),

    // `clients list|add|update|rotate-secret|remove …` manages the stored clients and exits (ClientCommands).
    ["clients", ..] => () => ClientCommands.RunAsync(args),

    // `healthcheck [--url <url>]` asks a running server's /healthz and exits 0 or 1, for a container's HEALTHCHECK
    // (HealthCheckCommand); it builds no host.
    ["healthcheck", ..] => () => HealthCheckCommand.RunAsync(args[1..]),

    // Anything else runs the server.
    _ => () => LatchkeyServer.RunAsync(args),
});
