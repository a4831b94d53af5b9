using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Ohm.Csms.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TariffCost : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<decimal>(
                name: "Balance",
                table: "IdTokens",
                type: "numeric",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BalanceCurrency",
                table: "IdTokens",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Language2",
                table: "IdTokens",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "TariffAssignments",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    TariffId = table.Column<long>(type: "bigint", nullable: false),
                    StationId = table.Column<string>(type: "character varying(48)", maxLength: 48, nullable: true),
                    EvseId = table.Column<int>(type: "integer", nullable: true),
                    GroupIdToken = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TariffAssignments", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TariffVersions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    TariffId = table.Column<long>(type: "bigint", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    Definition = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TariffVersions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Tariffs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    IsDefault = table.Column<bool>(type: "boolean", nullable: false),
                    Deleted = table.Column<bool>(type: "boolean", nullable: false),
                    Definition = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Tariffs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TransactionCosts",
                columns: table => new
                {
                    TransactionRecordId = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    StationId = table.Column<string>(type: "text", nullable: false),
                    TransactionId = table.Column<string>(type: "text", nullable: false),
                    TariffId = table.Column<long>(type: "bigint", nullable: false),
                    TariffVersion = table.Column<int>(type: "integer", nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    Energy = table.Column<decimal>(type: "numeric", nullable: false),
                    Time = table.Column<decimal>(type: "numeric", nullable: false),
                    Idle = table.Column<decimal>(type: "numeric", nullable: false),
                    Fees = table.Column<decimal>(type: "numeric", nullable: false),
                    Tax = table.Column<decimal>(type: "numeric", nullable: false),
                    Total = table.Column<decimal>(type: "numeric", nullable: false),
                    EnergyKwh = table.Column<decimal>(type: "numeric", nullable: false),
                    Final = table.Column<bool>(type: "boolean", nullable: false),
                    BalanceCharged = table.Column<bool>(type: "boolean", nullable: false),
                    StopRequested = table.Column<bool>(type: "boolean", nullable: false),
                    ComputedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TransactionCosts", x => x.TransactionRecordId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_TariffAssignments_GroupIdToken",
                table: "TariffAssignments",
                column: "GroupIdToken");

            migrationBuilder.CreateIndex(
                name: "IX_TariffAssignments_StationId_EvseId",
                table: "TariffAssignments",
                columns: new[] { "StationId", "EvseId" });

            migrationBuilder.CreateIndex(
                name: "IX_TariffVersions_TariffId_Version",
                table: "TariffVersions",
                columns: new[] { "TariffId", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TransactionCosts_StationId_TransactionId",
                table: "TransactionCosts",
                columns: new[] { "StationId", "TransactionId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "TariffAssignments");

            migrationBuilder.DropTable(
                name: "TariffVersions");

            migrationBuilder.DropTable(
                name: "Tariffs");

            migrationBuilder.DropTable(
                name: "TransactionCosts");

            migrationBuilder.DropColumn(
                name: "Balance",
                table: "IdTokens");

            migrationBuilder.DropColumn(
                name: "BalanceCurrency",
                table: "IdTokens");

            migrationBuilder.DropColumn(
                name: "Language2",
                table: "IdTokens");
        }
    }
}
