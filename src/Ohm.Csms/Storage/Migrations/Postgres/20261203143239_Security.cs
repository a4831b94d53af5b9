using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Ohm.Csms.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Security : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PreviousPasswordHash",
                table: "Stations",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Critical",
                table: "SecurityEvents",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "InstalledCertificates",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    StationId = table.Column<string>(type: "character varying(48)", maxLength: 48, nullable: false),
                    CertificateType = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    HashAlgorithm = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    IssuerNameHash = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    IssuerKeyHash = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    SerialNumber = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    ChildHashDataJson = table.Column<string>(type: "text", nullable: true),
                    Subject = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    NotAfter = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Pem = table.Column<string>(type: "text", nullable: true),
                    Source = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InstalledCertificates", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "IssuedCertificates",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    StationId = table.Column<string>(type: "character varying(48)", maxLength: 48, nullable: false),
                    CertificateType = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    SerialNumber = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Subject = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    Issuer = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    NotBefore = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    NotAfter = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Fingerprint = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Pem = table.Column<string>(type: "text", nullable: false),
                    IssuedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SignedResult = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    RevokedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RevocationReason = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IssuedCertificates", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_InstalledCertificates_StationId_CertificateType",
                table: "InstalledCertificates",
                columns: new[] { "StationId", "CertificateType" });

            migrationBuilder.CreateIndex(
                name: "IX_IssuedCertificates_Fingerprint",
                table: "IssuedCertificates",
                column: "Fingerprint");

            migrationBuilder.CreateIndex(
                name: "IX_IssuedCertificates_NotAfter",
                table: "IssuedCertificates",
                column: "NotAfter");

            migrationBuilder.CreateIndex(
                name: "IX_IssuedCertificates_SerialNumber",
                table: "IssuedCertificates",
                column: "SerialNumber",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_IssuedCertificates_StationId_IssuedAt",
                table: "IssuedCertificates",
                columns: new[] { "StationId", "IssuedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "InstalledCertificates");

            migrationBuilder.DropTable(
                name: "IssuedCertificates");

            migrationBuilder.DropColumn(
                name: "PreviousPasswordHash",
                table: "Stations");

            migrationBuilder.DropColumn(
                name: "Critical",
                table: "SecurityEvents");
        }
    }
}
