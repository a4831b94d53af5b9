using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Ohm.Csms.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class s11b : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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

            migrationBuilder.CreateIndex(
                name: "IX_InstalledCertificates_StationId_CertificateType",
                table: "InstalledCertificates",
                columns: new[] { "StationId", "CertificateType" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "InstalledCertificates");
        }
    }
}
