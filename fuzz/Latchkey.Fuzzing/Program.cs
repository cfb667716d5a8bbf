// Fuzz targets for AFL++ through SharpFuzz; fuzz/run builds, instruments and drives them.
//   Latchkey.Fuzzing <target>                      under afl-fuzz: the SharpFuzz fork server
//   Latchkey.Fuzzing replay <target> <path>...      every file under the paths, in-process, no AFL
//   Latchkey.Fuzzing seed <corpus folder>           writes the generated token seeds
using Latchkey.Fuzzing;
using SharpFuzz;

if (args is ["replay", var replayName, .. var paths] && FuzzTargets.Names.Contains(replayName))
{
    var failures = CorpusReplay.Run(FuzzTargets.Create(replayName), paths, Console.Out);
    return failures == 0 ? 0 : 1;
}

if (args is ["seed", var folder])
{
    SeedCorpus.Write(folder);
    return 0;
}

if (args is [var name] && FuzzTargets.Names.Contains(name))
{
    // The target is made inside the fork server's first run: see FuzzTargets.
    IFuzzTarget? target = null;
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        target ??= FuzzTargets.Create(name);
        target.Run(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    });
    return 0;
}

Console.Error.WriteLine("usage: Latchkey.Fuzzing <target> | replay <target> <path>... | seed <corpus folder>");
Console.Error.WriteLine("targets: " + string.Join(", ", FuzzTargets.Names));
return 2;
