using Latchkey.Server;

// `keys rotate` schedules a new signing key in the data directory's store and exits; running
// servers pick it up at their next key refresh. Anything else runs the server.
if (args is ["keys", "rotate", ..])
{
    return await KeyCommands.RotateAsync(args[2..]);
}

// `accounts disable|enable|delete <id|email> [--json]` changes one account and exits (AccountCommands).
if (args is ["accounts", ..])
{
    return await AccountCommands.RunAsync(args);
}

// `clients list|add|update|rotate-secret|remove …` manages the stored clients and exits (ClientCommands).
if (args is ["clients", ..])
{
    return await ClientCommands.RunAsync(args);
}

await LatchkeyServer.Build(args).RunAsync();
return 0;
