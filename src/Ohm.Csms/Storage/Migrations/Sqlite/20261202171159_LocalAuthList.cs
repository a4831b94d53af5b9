using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ohm.Csms.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LocalAuthList : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "LocalListEntries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    StationId = table.Column<string>(type: "TEXT", maxLength: 48, nullable: false),
                    IdToken = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Info = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LocalListEntries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "LocalLists",
                columns: table => new
                {
                    StationId = table.Column<string>(type: "TEXT", maxLength: 48, nullable: false),
                    Groups = table.Column<string>(type: "TEXT", nullable: false),
                    IdTokens = table.Column<string>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: true),
                    LastSentVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    FullRequested = table.Column<bool>(type: "INTEGER", nullable: false),
                    Generation = table.Column<int>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    StateAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LocalLists", x => x.StationId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_LocalListEntries_StationId_IdToken_Type",
                table: "LocalListEntries",
                columns: new[] { "StationId", "IdToken", "Type" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_LocalLists_State",
                table: "LocalLists",
                column: "State");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "LocalListEntries");

            migrationBuilder.DropTable(
                name: "LocalLists");
        }
    }
}
