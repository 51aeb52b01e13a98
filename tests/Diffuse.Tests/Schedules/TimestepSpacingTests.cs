using Diffuse.Schedules;

namespace Diffuse.Tests.Schedules;

public sealed class TimestepSpacingTests
{
    [Fact]
    public void Leading_spacing_of_10_steps_is_900_down_to_0()
    {
        Assert.Equal([900L, 800, 700, 600, 500, 400, 300, 200, 100, 0], TimestepSpacing.Make("leading", 1000, 10, 0));
    }

    [Fact]
    public void Leading_spacing_adds_steps_offset()
    {
        Assert.Equal([901L, 801, 701, 601, 501, 401, 301, 201, 101, 1], TimestepSpacing.Make("leading", 1000, 10, 1));
    }

    [Fact]
    public void Leading_spacing_uses_integer_step_ratio()
    {
        // 1000 // 7 = 142
        Assert.Equal([852L, 710, 568, 426, 284, 142, 0], TimestepSpacing.Make("leading", 1000, 7, 0));
    }

    [Fact]
    public void Trailing_spacing_of_10_steps_is_999_down_to_99()
    {
        Assert.Equal([999L, 899, 799, 699, 599, 499, 399, 299, 199, 99], TimestepSpacing.Make("trailing", 1000, 10, 0));
    }

    [Fact]
    public void Trailing_spacing_rounds_fractional_steps()
    {
        // round(arange(1000, 0, -1000/8)) - 1 = [1000, 875, ..., 125] - 1
        Assert.Equal([999L, 874, 749, 624, 499, 374, 249, 124], TimestepSpacing.Make("trailing", 1000, 8, 0));
    }

    [Fact]
    public void Trailing_spacing_never_yields_more_than_n_timesteps()
    {
        // numpy's arange(1000, 0, -1000/61) has 62 elements, the last rounding to timestep −1.
        var steps = TimestepSpacing.Make("trailing", 1000, 61, 0);
        Assert.Equal(61, steps.Length);
        Assert.Equal(999, steps[0]);
        Assert.Equal(15, steps[^1]); // round(1000 − 60·1000/61) − 1
        for (int n = 1; n <= 1000; n++)
            Assert.Equal(n, TimestepSpacing.Make("trailing", 1000, n, 0).Length);
    }

    [Fact]
    public void Linspace_spacing_of_10_steps_is_999_down_to_0_in_steps_of_111()
    {
        Assert.Equal([999L, 888, 777, 666, 555, 444, 333, 222, 111, 0], TimestepSpacing.Make("linspace", 1000, 10, 0));
    }

    [Fact]
    public void Linspace_spacing_rounds_half_to_even()
    {
        // linspace(0, 9, 3) = [0, 4.5, 9]; numpy rounds 4.5 to 4.
        Assert.Equal([9L, 4, 0], TimestepSpacing.Make("linspace", 10, 3, 0));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public void Step_counts_outside_1_to_T_are_rejected(int steps)
    {
        Assert.ThrowsAny<DiffuseException>(() => TimestepSpacing.Make("leading", 1000, steps, 0));
    }

    [Fact]
    public void Unknown_spacing_is_rejected_with_the_choices()
    {
        var e = Assert.ThrowsAny<DiffuseException>(() => TimestepSpacing.Make("even", 1000, 10, 0));
        Assert.Equal("unknown timestep_spacing 'even' (expected leading, trailing, linspace)", e.Message);
    }
}
