using Latchkey.Samples.OidcWebApp;

await OidcWebApp.Build(args).RunAsync();
