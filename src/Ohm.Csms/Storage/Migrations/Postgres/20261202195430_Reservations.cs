using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Ohm.Csms.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Reservations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Reservations",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    StationId = table.Column<string>(type: "character varying(48)", maxLength: 48, nullable: false),
                    EvseId = table.Column<int>(type: "integer", nullable: true),
                    ConnectorType = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    IdToken = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    IdTokenType = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    GroupIdToken = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: true),
                    GroupIdTokenType = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    ExpiryDateTime = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    StationStatus = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    CancelStatus = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    TransactionId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Reservations", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Reservations_IdToken",
                table: "Reservations",
                column: "IdToken");

            migrationBuilder.CreateIndex(
                name: "IX_Reservations_StationId_State",
                table: "Reservations",
                columns: new[] { "StationId", "State" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Reservations");
        }
    }
}
