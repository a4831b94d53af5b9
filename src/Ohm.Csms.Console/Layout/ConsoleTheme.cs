using MudBlazor;

namespace Ohm.Csms.Console.Layout;

/// <summary>The console's colours, light and dark.</summary>
internal static class ConsoleTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight { Primary = "#1b6e5a", Secondary = "#f2a900", AppbarBackground = "#1b6e5a" },
        PaletteDark = new PaletteDark { Primary = "#4fc3a1", Secondary = "#f2c14e", AppbarBackground = "#10241f" },
    };
}
