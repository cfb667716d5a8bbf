using Latchkey.Server;

// A configuration error (a bad setting, a master secret that does not decrypt the stored keys) ends every mode
// with one line per problem on stderr and exit code 78, instead of a stack trace (StartupErrors).
return await StartupErrors.ReportAsync(args switch
{
    // `keys rotate` schedules a new signing key in the data directory's store and exits; running
    // servers pick it up at their next key refresh.
    ["keys", "rotate", ..] => () => KeyCommands.RotateAsync(args[2..]),

    // `keys list [--json]` and `keys retire <kid>` show the keys and retire one at once (after a compromise).
    ["keys", "list", ..] => () => KeyCommands.ListAsync(args[2..]),
    ["keys", "retire", ..] => () => KeyCommands.RetireAsync(args[2..]),

    // `accounts create|disable|enable|delete|grant-admin|revoke-admin …` creates or changes one account and exits (AccountCommands).
    ["accounts", ..] => () => AccountCommands.RunAsync(args),

    // `sessions list|end <id|email> …` lists or ends an account's sessions and exits (SessionCommands).
    ["sessions", ..] => () => SessionCommands.RunAsync(args),

    // `clients list|add|update|rotate-secret|remove …` manages the stored clients and exits (ClientCommands).
    ["clients", ..] => () => ClientCommands.RunAsync(args),

    // `healthcheck [--url <url>]` asks a running server's /healthz and exits 0 or 1, for a container's HEALTHCHECK
    // (HealthCheckCommand); it builds no host.
    ["healthcheck", ..] => () => HealthCheckCommand.RunAsync(args[1..]),

    // Anything else runs the server.
    _ => () => LatchkeyServer.RunAsync(args),
});
