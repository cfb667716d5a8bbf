using Latchkey.Reference;

// `hash-time` prints how long one Argon2id hash takes at Latchkey's default parameters on this
// machine, for bench/load's login limit; `floor` runs the framework-only app (FloorApp) that
// bench/load --floor measures; anything else runs the app.
if (args is ["hash-time", ..])
{
    Console.WriteLine(UserDirectory.MeasureHashTime(iterations: 20).TotalMilliseconds.ToString("F2", System.Globalization.CultureInfo.InvariantCulture));
    return 0;
}

if (args is ["floor", .. var rest])
{
    await FloorApp.Build(rest).RunAsync();
    return 0;
}

await ReferenceApp.Build(args).RunAsync();
return 0;
