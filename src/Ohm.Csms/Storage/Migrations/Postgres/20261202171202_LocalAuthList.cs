using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Ohm.Csms.Storage.Migrations.Postgres
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    StationId = table.Column<string>(type: "character varying(48)", maxLength: 48, nullable: false),
                    IdToken = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    Type = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Info = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LocalListEntries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "LocalLists",
                columns: table => new
                {
                    StationId = table.Column<string>(type: "character varying(48)", maxLength: 48, nullable: false),
                    Groups = table.Column<string>(type: "text", nullable: false),
                    IdTokens = table.Column<string>(type: "text", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: true),
                    LastSentVersion = table.Column<int>(type: "integer", nullable: false),
                    FullRequested = table.Column<bool>(type: "boolean", nullable: false),
                    Generation = table.Column<int>(type: "integer", nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Reason = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    StateAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
