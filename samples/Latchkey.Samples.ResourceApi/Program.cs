using Latchkey.Samples.ResourceApi;

await ResourceApi.Build(args).RunAsync();
