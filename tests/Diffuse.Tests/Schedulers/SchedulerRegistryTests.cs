using Diffuse.Schedulers;
using Diffuse.Schedules;

namespace Diffuse.Tests.Schedulers;

public sealed class SchedulerRegistryTests
{
    [Theory]
    [InlineData("ddpm", typeof(DdpmScheduler), "DDPMScheduler")]
    [InlineData("DDPM", typeof(DdpmScheduler), "DDPMScheduler")]
    [InlineData("DDPMScheduler", typeof(DdpmScheduler), "DDPMScheduler")]
    [InlineData("ddim", typeof(DdimScheduler), "DDIMScheduler")]
    [InlineData("DDIMScheduler", typeof(DdimScheduler), "DDIMScheduler")]
    [InlineData("dpm++", typeof(DpmSolverMultistepScheduler), "DPMSolverMultistepScheduler")]
    [InlineData("dpmsolver++", typeof(DpmSolverMultistepScheduler), "DPMSolverMultistepScheduler")]
    [InlineData("dpmsolver_multistep", typeof(DpmSolverMultistepScheduler), "DPMSolverMultistepScheduler")]
    [InlineData("dpmsolvermultistepscheduler", typeof(DpmSolverMultistepScheduler), "DPMSolverMultistepScheduler")]
    [InlineData("euler", typeof(EulerDiscreteScheduler), "EulerDiscreteScheduler")]
    [InlineData("EulerDiscreteScheduler", typeof(EulerDiscreteScheduler), "EulerDiscreteScheduler")]
    [InlineData("euler_a", typeof(EulerAncestralDiscreteScheduler), "EulerAncestralDiscreteScheduler")]
    [InlineData("euler_ancestral", typeof(EulerAncestralDiscreteScheduler), "EulerAncestralDiscreteScheduler")]
    [InlineData("EULERANCESTRALDISCRETESCHEDULER", typeof(EulerAncestralDiscreteScheduler), "EulerAncestralDiscreteScheduler")]
    [InlineData("heun", typeof(HeunDiscreteScheduler), "HeunDiscreteScheduler")]
    [InlineData("HeunDiscreteScheduler", typeof(HeunDiscreteScheduler), "HeunDiscreteScheduler")]
    [InlineData("pndm", typeof(PndmScheduler), "PNDMScheduler")]
    [InlineData("PNDMScheduler", typeof(PndmScheduler), "PNDMScheduler")]
    [InlineData("plms", typeof(PndmScheduler), "PNDMScheduler")]
    public void Creates_schedulers_by_sampler_or_diffusers_class_name(string name, Type type, string className)
    {
        using var scheduler = SchedulerRegistry.Create(name, new SchedulerConfig { ClassName = "DDPMScheduler" });
        Assert.IsType(type, scheduler);
        Assert.Equal(className, scheduler.Config.ClassName);
    }

    [Fact]
    public void Plms_skips_the_runge_kutta_steps_and_pndm_keeps_them()
    {
        using var plms = SchedulerRegistry.Create("plms", new SchedulerConfig());
        using var pndm = SchedulerRegistry.Create("pndm", new SchedulerConfig());
        plms.SetTimesteps(20);
        pndm.SetTimesteps(20);
        Assert.True(plms.Config.SkipPrkSteps);
        Assert.Equal(21, plms.Timesteps.Length);
        Assert.Equal(29, pndm.Timesteps.Length);
    }

    [Fact]
    public void Dpm_plus_plus_pins_the_data_prediction_algorithm()
    {
        var config = new SchedulerConfig { AlgorithmType = "dpmsolver", FinalSigmasType = "sigma_min" };
        using var plusPlus = SchedulerRegistry.Create("dpm++", config);
        using var asConfigured = SchedulerRegistry.Create("dpmsolver_multistep", config);
        Assert.Equal("dpmsolver++", plusPlus.Config.AlgorithmType);
        Assert.Equal("dpmsolver", asConfigured.Config.AlgorithmType);
    }

    [Fact]
    public void Unknown_sampler_is_rejected_with_the_choices()
    {
        var e = Assert.Throws<DiffuseArgumentException>(() => SchedulerRegistry.Create("x", new SchedulerConfig()));
        Assert.Equal("scheduler", e.ParameterName);
        Assert.Equal(
            "scheduler 'x' is unknown (expected ddpm, ddim, dpm++, dpmsolver++, dpmsolver_multistep, euler, euler_a, euler_ancestral, heun, pndm, plms, flow_euler, flow_heun, "
            + "or a diffusers class name: DDPMScheduler, DDIMScheduler, DPMSolverMultistepScheduler, EulerDiscreteScheduler, "
            + "EulerAncestralDiscreteScheduler, HeunDiscreteScheduler, PNDMScheduler, FlowMatchEulerDiscreteScheduler, FlowMatchHeunDiscreteScheduler)",
            e.Message);
    }

    [Fact]
    public void From_config_uses_the_class_name()
    {
        using var scheduler = SchedulerRegistry.FromConfig(new SchedulerConfig { ClassName = "DDIMScheduler" });
        Assert.IsType<DdimScheduler>(scheduler);
        using var euler = SchedulerRegistry.FromConfig(new SchedulerConfig { ClassName = "EulerDiscreteScheduler" });
        Assert.IsType<EulerDiscreteScheduler>(euler);
        Assert.ThrowsAny<DiffuseException>(() => SchedulerRegistry.FromConfig(new SchedulerConfig()));
    }

    /// <summary>
    /// A flow-matching network's output is a velocity; DDPM would read it as ε and return noise (DDIM did, silently,
    /// before this check). The saved scheduler's family decides which samplers may run it, and the error names them.
    /// </summary>
    [Fact]
    public void A_sampler_of_the_other_family_is_refused_with_the_ones_that_fit()
    {
        var flow = new SchedulerConfig { ClassName = FlowMatchEulerDiscreteScheduler.DiffusersClassName };
        var e = Assert.Throws<DiffuseArgumentException>(() => SchedulerRegistry.Create("ddpm", flow));
        Assert.Equal("scheduler 'ddpm' samples a diffusion model, but this model was trained for flow matching "
            + "(FlowMatchEulerDiscreteScheduler); use flow_euler or flow_heun (ddim runs as flow_euler)", e.Message);
        var diffusion = new SchedulerConfig { ClassName = DdimScheduler.DiffusersClassName };
        e = Assert.Throws<DiffuseArgumentException>(() => SchedulerRegistry.Create("FlowMatchHeunDiscreteScheduler", diffusion));
        Assert.Equal("scheduler 'FlowMatchHeunDiscreteScheduler' samples a flow-matching model, but this model was trained for diffusion "
            + "(DDIMScheduler); use one of ddpm, ddim, dpm++, dpmsolver++, dpmsolver_multistep, euler, euler_a, euler_ancestral, heun, pndm, plms", e.Message);
        using var heun = SchedulerRegistry.Create("flow_heun", flow);
        Assert.IsType<FlowMatchHeunDiscreteScheduler>(heun);
        using var unsaved = SchedulerRegistry.Create("flow_euler", new SchedulerConfig());   // no saved class: nothing to check against
        Assert.IsType<FlowMatchEulerDiscreteScheduler>(unsaved);
    }

    /// <summary>
    /// DDIM's step x' = α'·x̂₀ + σ'·ε̂ for the flow process (α = 1 − σ; x̂₀ = x − σ·v, ε̂ = x + (1 − σ)·v) is
    /// x + (σ' − σ)·v: "ddim" on a flow model is flow_euler, checked here against that closed form on one step.
    /// </summary>
    [Fact]
    public void Ddim_on_a_flow_model_is_its_euler_step()
    {
        var flow = new SchedulerConfig { ClassName = FlowMatchEulerDiscreteScheduler.DiffusersClassName };
        using var ddim = SchedulerRegistry.Create("ddim", flow);
        Assert.IsType<FlowMatchEulerDiscreteScheduler>(ddim);
        ddim.SetTimesteps(10);
        var sigmas = ((FlowMatchEulerDiscreteScheduler)ddim).Sigmas;
        using var x = TorchSharp.torch.tensor(new[] { 0.3f, -1.2f, 0.8f });
        using var v = TorchSharp.torch.tensor(new[] { -0.5f, 0.4f, 1.1f });
        using var stepped = ddim.Step(v, ddim.Timesteps[0], x).PrevSample;
        double s0 = sigmas[0], s1 = sigmas[1];
        using var x0 = x - s0 * v;
        using var eps = x + (1 - s0) * v;
        using var ddimStep = (1 - s1) * x0 + s1 * eps;
        Assert.True(TorchSharp.torch.allclose(stepped, ddimStep, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Names_for_a_model_are_those_of_its_family()
    {
        Assert.Equal(["flow_euler", "flow_heun"], SchedulerRegistry.NamesFor("FlowMatchEulerDiscreteScheduler"));
        Assert.DoesNotContain("flow_euler", SchedulerRegistry.NamesFor("DDIMScheduler"));
        Assert.Contains("ddim", SchedulerRegistry.NamesFor("DDIMScheduler"));
        Assert.Equal(SchedulerRegistry.Names, SchedulerRegistry.NamesFor(null));
    }
}
