using System.Globalization;
using BenchmarkDotNet.Running;
using Diffuse.Bench;
using Diffuse.Bench.Micro;
using Diffuse.Benchmarks;

// Usage (from the repository root):
//   dotnet run -c Release --project bench/Diffuse.Bench -- sampling-overhead [batch] [steps] [repeats]
//   dotnet run -c Release --project bench/Diffuse.Bench -- unet-speed             (all bench cases; as diffuse bench)
//   dotnet run -c Release --project bench/Diffuse.Bench -- guidance-accuracy MODEL_DIR CLASSIFIER_DIR [per-class] [steps]
//   dotnet run -c Release --project bench/Diffuse.Bench -- micro [filter]         (BenchmarkDotNet: scheduler steps, blocks, UNet forward)
//   dotnet run -c Release --project bench/Diffuse.Bench -- compare [rounds] [only] (speed settings, before/after alternately)
//   dotnet run -c Release --project bench/Diffuse.Bench -- reduced-precision MODEL_DIR CLASSIFIER_DIR [per-class] [steps] [dtypes]
//   dotnet run -c Release --project bench/Diffuse.Bench -- inpainting-quality MODEL_DIR CLASSIFIER_DIR DATA [count] [steps] [jump] [resample]
//   dotnet run -c Release --project bench/Diffuse.Bench -- inversion MODEL_DIR IMAGES_IDX [first] [count] [png-folder|-] [steps,...] [cases,...]
//   dotnet run -c Release --project bench/Diffuse.Bench -- trainer-parts [preset] (where a training step's time goes)
//   dotnet run -c Release --project bench/Diffuse.Bench -- wait-policy CLI_DLL [preset] [rounds]  (OpenMP ACTIVE vs PASSIVE, alternately)
//   dotnet run -c Release --project bench/Diffuse.Bench -- malloc CLI_DLL [preset] [rounds]       (glibc malloc default vs kept freed memory, alternately)
//   dotnet run -c Release --project bench/Diffuse.Bench -- attention-variants [rounds]  (SD 1.5 attention shapes: fused vs explicit, fp32/bf16, error and time)
//   dotnet run -c Release --project bench/Diffuse.Bench -- unet-precision [side]  (SD 1.5 UNet, random weights: bfloat16 output against float32)
//   dotnet run -c Release --project bench/Diffuse.Bench -- t2i-steps DATA VAE_DIR [rounds] [batch]  (text-to-image steps/s, pixel vs latent, alternately)
//   dotnet run -c Release --project bench/Diffuse.Bench -- drift SECONDS CASES PARTS [batch]   (per-call times over minutes, e.g. drift 120 pt-tiny forward)
// As the CLI does, before any tensor work, so that figures here and from diffuse bench compare.
Diffuse.Runtime.GlibcMallocSettings.KeepFreedMemory();
var mode = args.Length > 0 ? args[0] : "sampling-overhead";
int IntArg(int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;
string Results(string file) => Path.Combine("bench", "results", file);

switch (mode)
{
    case "unet-precision":
        UNetPrecision.Run(IntArg(1, 32), Console.Out);
        return 0;
    case "attention-variants":
        AttentionVariants.Run(IntArg(1, 5), Console.Out);
        return 0;
    case "micro":
    {
        // A bare word filters benchmarks by name (micro Attention → --filter *Attention*); BenchmarkDotNet options pass through.
        var rest = args.Skip(1).ToArray();
        if (rest.Length == 0) rest = ["--filter", "*"];
        else if (!rest[0].StartsWith('-')) rest = ["--filter", $"*{rest[0]}*", .. rest.Skip(1)];
        BenchmarkSwitcher.FromTypes([typeof(SchedulerStepBenchmarks), typeof(BlockBenchmarks), typeof(UNetForwardBenchmarks)])
            .Run(rest, new MicroConfig());
        return 0;
    }
    case "t2i-steps":
    {
        var pixel = new Diffuse.Training.TrainConfig { Task = Diffuse.Training.TrainConfig.TextToImageTask, Data = args[1], Model = "tiny", Batch = IntArg(4, 64), SampleEvery = 0 };
        var latent = pixel with { Vae = args[2] };
        var rows = TextToImageSteps.Run([("pixel 28×28×3", pixel), ("latent 7×7×4", latent)], warmups: 3, rounds: IntArg(3, 20), Console.WriteLine);
        foreach (var r in rows)
            Console.WriteLine($"{r.Recipe,-16} median {r.Times.MedianMs,7:F0} ms/step (95% interval {r.Times.MedianLowMs:F0}–{r.Times.MedianHighMs:F0}), cpu {r.Times.CpuMedianMs:F0} ms, {r.StepsPerSecond:F2} steps/s");
        return 0;
    }
    case "drift":
    {
        var cases = args[2].Split(',');
        var parts = args[3].Split(',');
        Drift.Run(double.Parse(args[1], CultureInfo.InvariantCulture), cases, parts, IntArg(4, 64), Console.Out);
        return 0;
    }
    case "unet-speed":
    {
        var report = BenchRunner.Run(new BenchOptions(), (name, part, warmup) => Console.WriteLine($"{name}: {part}{(warmup ? " (warm-up)" : "")}"));
        Console.WriteLine($"{"case",-16} {"params",10} {"train ms",9} {"fwd ms",8} {"train img/s",11} {"fwd img/s",9} {"PyTorch train/fwd ms",22}");
        foreach (var r in report.Rows)
            Console.WriteLine($"{r.Case,-16} {r.Parameters,10:N0} {r.Train.MedianMs,9:F0} {r.Forward.MedianMs,8:F0} {r.TrainImagesPerSecond,11:F1} {r.ForwardImagesPerSecond,9:F1} " +
                              (r.PyTorch is { } p ? $"{string.Join("/", p.TrainStepMs)} / {string.Join("/", p.ForwardMs)}" : ""));
        report.Save(Results("unet-speed.json"));
        Console.WriteLine($"wrote {Results("unet-speed.json")}");
        return 0;
    }
    case "compare":
    {
        var results = Comparisons.Run(warmups: 2, rounds: IntArg(1, 10), only: args.Length > 2 ? args[2] : null, name => Console.WriteLine($"comparing {name}"));
        Console.WriteLine($"{"comparison",-16} {"workload",-34} {"before",-10} {"after",-10} {"before ms",10} {"after ms",10} {"speed-up",8} {"cpu s-up",8}");
        foreach (var r in results)
            Console.WriteLine($"{r.Comparison,-16} {r.Workload,-34} {r.Before,-10} {r.After,-10} {r.BeforeTimes.MedianMs,10:F0} {r.AfterTimes.MedianMs,10:F0} {r.Speedup,8:F2} {r.CpuSpeedup,8:F2}");
        Comparisons.Write(results, Results(args.Length > 2 ? $"compare-{args[2]}.json" : "compare.json"));
        Console.WriteLine($"wrote {Results(args.Length > 2 ? $"compare-{args[2]}.json" : "compare.json")}");
        return 0;
    }
    case "trainer-parts":
    {
        var preset = args.Length > 1 ? args[1] : "default";
        var parts = TrainerParts.Run(preset, 64, warmups: 2, repeats: 7);
        Console.WriteLine($"training step of preset {preset}, batch 64, median of 7 after 2 warm-ups");
        foreach (var p in parts) Console.WriteLine($"{p.Part,-34} {p.Times.MedianMs,9:F1} ms ({p.Times.MinMs:F1}–{p.Times.MaxMs:F1}), CPU {p.Times.CpuMedianMs:F1} ms");
        TrainerParts.Write(parts, Results($"trainer-parts-{preset}.json"));
        Console.WriteLine($"wrote {Results($"trainer-parts-{preset}.json")}");
        return 0;
    }
    case "wait-policy":
    case "malloc":
    {
        if (args.Length < 2) { Console.Error.WriteLine($"error: {mode} needs the path of Diffuse.Cli.dll"); return 1; }
        var preset = args.Length > 2 ? args[2] : "default";
        var (before, after) = mode == "malloc" ? ProcessAlternation.Malloc : ProcessAlternation.WaitPolicy;
        var rows = ProcessAlternation.Run(args[1], preset, IntArg(3, 3), before, after);
        ProcessAlternation.Write(rows, before, after, Results($"{mode}-{preset}.json"));
        Console.WriteLine($"wrote {Results($"{mode}-{preset}.json")}");
        return 0;
    }
    case "reduced-precision":
    {
        if (args.Length < 3) { Console.Error.WriteLine("error: reduced-precision needs MODEL_DIR CLASSIFIER_DIR"); return 1; }
        // [dtypes]: bfloat16 (the default), or bfloat16,float16; float16 has no CPU kernels here and is ~23× slower.
        var dtypes = (args.Length > 5 ? args[5] : "bfloat16").Split(',').Select(Diffuse.Models.InferenceDTypes.Parse).ToArray();
        var rows = ReducedPrecisionQuality.Run(args[1], args[2], IntArg(3, 10), IntArg(4, 50), timingRounds: 6, dtypes);
        foreach (var r in rows)
            Console.WriteLine($"{r.DType}: {r.Samples} samples, {r.Steps} steps: max |Δ| {r.MaxAbsDifference:F4}, mean |Δ| {r.MeanAbsDifference:F5}, " +
                              $"8-bit pixels changed {r.PixelsChangedFraction:P1} (max {r.MaxPixelDifference}), accuracy {r.AccuracyFloat32:P1} → {r.AccuracyReduced:P1}, " +
                              $"10-step loop {r.Float32Loop.MedianMs:F0} → {r.ReducedLoop.MedianMs:F0} ms ({r.Speedup:F2}×)");
        ReducedPrecisionQuality.Write(rows, Results("reduced-precision.json"));
        Console.WriteLine($"wrote {Results("reduced-precision.json")}");
        return 0;
    }
    case "guidance-accuracy":
    {
        if (args.Length < 3) { Console.Error.WriteLine("error: guidance-accuracy needs MODEL_DIR CLASSIFIER_DIR"); return 1; }
        int perClass = IntArg(3, 20), guidedSteps = IntArg(4, 50);
        var accuracy = GuidanceAccuracy.Run(args[1], args[2], [1, 2, 4], perClass, guidedSteps)
            .Concat(GuidanceAccuracy.Run(args[1], args[2], [1, 2, 4], perClass, guidedSteps, clippedModelOutput: true)).ToList();
        Console.WriteLine($"class accuracy of guided samples ({perClass} per class, classifier {args[2]})");
        foreach (var r in accuracy) Console.WriteLine($"{r.Sampler,-22} guidance_scale {r.GuidanceScale,3:F1}: {r.Accuracy:P1} of {r.Samples}");
        GuidanceAccuracy.Write(accuracy, Results("guidance-accuracy.json"));
        Console.WriteLine($"wrote {Results("guidance-accuracy.json")}");
        return 0;
    }
    case "inpainting-quality":
    {
        if (args.Length < 4) { Console.Error.WriteLine("error: inpainting-quality needs MODEL_DIR CLASSIFIER_DIR DATA"); return 1; }
        int count = IntArg(4, 200), ddpmSteps = IntArg(5, 100), jump = IntArg(6, 10), resample = IntArg(7, 5);
        var inpainting = InpaintingQuality.Run(args[1], args[2], args[3], count, ddpmSteps, jump, resample);
        Console.WriteLine($"masked-half test (bottom half generated), {count} images, Fréchet distance in classifier features vs {count} other real images");
        Console.WriteLine($"{"method",-18} {"steps",5} {"jump",4} {"r",3} {"NFE",5} {"FD",8} {"class kept",10} {"seconds",8}");
        foreach (var r in inpainting)
            Console.WriteLine($"{r.Method,-18} {r.Steps,5} {r.Jump,4} {r.Resample,3} {r.NetworkEvaluations,5} {r.FrechetDistance,8:F2} {r.ClassAccuracy,10:P1} {r.Seconds,8:F0}");
        InpaintingQuality.Write(inpainting, Results($"inpainting-quality-{count}-{ddpmSteps}.json"));
        Console.WriteLine($"wrote {Results($"inpainting-quality-{count}-{ddpmSteps}.json")}");
        return 0;
    }
    case "inversion":
    {
        if (args.Length < 3) { Console.Error.WriteLine("error: inversion needs MODEL_DIR IMAGES_IDX"); return 1; }
        string? pngFolder = args.Length > 5 && args[5] != "-" ? args[5] : null;
        int[] stepCounts = args.Length > 6 ? args[6].Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray() : [10, 50, 200];
        string[] cases = args.Length > 7 ? args[7].Split(',') : InversionReconstruction.DefaultCases;
        var measured = InversionReconstruction.Run(args[1], args[2], IntArg(3, 0), IntArg(4, 32), stepCounts, pngFolder, cases);
        var all = InversionReconstruction.Write(measured, Results("inversion.json"));
        Console.WriteLine("all images measured so far:");
        foreach (var r in all.Summary)
            Console.WriteLine(FormattableString.Invariant(
                $"{r.Case,-22} {r.Steps,4} steps, {r.Images,3} images: RMSE {r.MeanRmse,6:F2}  PSNR mean {r.MeanPsnr,5:F1} median {r.MedianPsnr,5:F1} dB  max {r.WorstMaxAbs,5:F1}  noise mean {r.NoiseMean,6:F3} std {r.NoiseStd,5:F3}"));
        Console.WriteLine($"wrote {Results("inversion.json")}");
        return 0;
    }
    case "sampling-overhead":
    {
        int batch = IntArg(1, 64), steps = IntArg(2, 20), repeats = IntArg(3, 5);
        var rows = SamplingOverhead.Run(batch, steps, repeats);
        Console.WriteLine($"sampling overhead, default preset, batch {batch}, {steps} steps, median of {repeats} runs");
        Console.WriteLine($"{"sampler",-8} {"calls",5} {"total ms",10} {"model ms",10} {"outside ms",10} {"outside %",9}");
        foreach (var r in rows)
            Console.WriteLine($"{r.Sampler,-8} {r.ModelCalls,5} {r.TotalMs,10:F1} {r.ModelMs,10:F1} {r.OverheadMs,10:F2} {r.OverheadPercent,9:F2}");
        SamplingOverhead.Write(rows, Results("sampling-overhead.json"));
        Console.WriteLine($"wrote {Results("sampling-overhead.json")}");
        return 0;
    }
    default:
        Console.Error.WriteLine($"error: unknown benchmark '{mode}' (expected sampling-overhead, unet-speed, guidance-accuracy, micro, compare, trainer-parts, wait-policy, malloc, drift, reduced-precision, inpainting-quality or inversion)");
        return 1;
}
