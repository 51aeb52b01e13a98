using Diffuse.Schedulers;
using Diffuse.Schedules;

namespace Diffuse.Tests.Schedulers;

public sealed class SchedulerFactoryTests
{
    [Theory]
    [InlineData("ddpm", typeof(DdpmScheduler), "DDPMScheduler")]
    [InlineData("DDPM", typeof(DdpmScheduler), "DDPMScheduler")]
    [InlineData("DDPMScheduler", typeof(DdpmScheduler), "DDPMScheduler")]
    [InlineData("ddim", typeof(DdimScheduler), "DDIMScheduler")]
    [InlineData("DDIMScheduler", typeof(DdimScheduler), "DDIMScheduler")]
    public void Creates_schedulers_by_sampler_or_diffusers_class_name(string name, Type type, string className)
    {
        using var scheduler = SchedulerFactory.Create(name, new SchedulerConfig { ClassName = "DDPMScheduler" });
        Assert.IsType(type, scheduler);
        Assert.Equal(className, scheduler.Config.ClassName);
        Assert.Equal(1000, scheduler.Timesteps.Length);
    }

    [Fact]
    public void Unknown_sampler_is_rejected_with_the_choices()
    {
        var e = Assert.Throws<DiffuseException>(() => SchedulerFactory.Create("x", new SchedulerConfig()));
        Assert.Equal("unknown sampler 'x' (expected ddpm, ddim)", e.Message);
    }

    [Fact]
    public void From_config_uses_the_class_name()
    {
        using var scheduler = SchedulerFactory.FromConfig(new SchedulerConfig { ClassName = "DDIMScheduler" });
        Assert.IsType<DdimScheduler>(scheduler);
        Assert.Throws<DiffuseException>(() => SchedulerFactory.FromConfig(new SchedulerConfig()));
    }
}
