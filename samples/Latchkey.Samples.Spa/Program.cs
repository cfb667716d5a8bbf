using Latchkey.Samples.Spa;

await SpaApp.Build(args).RunAsync();
