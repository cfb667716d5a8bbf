using Latchkey.Server;

await LatchkeyServer.Build(args).RunAsync();
