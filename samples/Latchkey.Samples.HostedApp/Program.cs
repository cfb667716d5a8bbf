using Latchkey.Samples.HostedApp;

await HostedApp.Build(args).RunAsync();
