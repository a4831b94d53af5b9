using System.Buffers;
using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Ohm.Csms.Storage;

/// <summary>
/// INSERT and UPDATE statements of one entity type for the writer's hot paths, where EF Core's change tracking costs
/// more than the write itself. They are built from the EF Core model (table, columns, type mappings and value
/// converters), so they store exactly what SaveChanges would; each command is built once and reused, so SQLite keeps
/// it compiled. They run at once on the context's connection, inside its current transaction; the rows they write are
/// not tracked, and the key the database generates is returned to the caller.
/// </summary>
internal sealed class EntityStatements<T> : IDisposable
    where T : class
{
    /// <summary>Rows per multi-row INSERT on PostgreSQL, where each statement is a round trip; a longer list is chunked.</summary>
    private const int MaxRowsPerInsert = 32;

    private readonly DbContext _db;
    private readonly string _table;
    private readonly string _key;
    private readonly Column[] _columns;
    private readonly DbCommand?[] _inserts = new DbCommand?[MaxRowsPerInsert + 1];
    private readonly bool _sqlite;
    private readonly ArrayBufferWriter<byte> _json = new();
    private DbCommand? _insertJsonRows;
    private readonly Dictionary<ulong, DbCommand> _updates = [];
    private DbCommand? _insertReturningKey;

    public EntityStatements(DbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        _db = db;
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var sql = db.GetService<ISqlGenerationHelper>();
        var tableName = entity.GetTableName() ?? throw new InvalidOperationException($"{typeof(T).Name} has no table.");
        var table = StoreObjectIdentifier.Table(tableName, entity.GetSchema());
        _table = sql.DelimitIdentifier(tableName, entity.GetSchema());
        var key = entity.FindPrimaryKey()?.Properties is [var single] ? single : throw new InvalidOperationException($"{typeof(T).Name} needs a single-column key.");
        _key = sql.DelimitIdentifier(key.GetColumnName(table)!);
        _columns = entity.GetProperties()
            .Where(p => !p.IsPrimaryKey())
            .Select(p => new Column(p, sql.DelimitIdentifier(p.GetColumnName(table)!), (RelationalTypeMapping)p.GetTypeMapping()))
            .ToArray();
        KeyMapping = (RelationalTypeMapping)key.GetTypeMapping();
        _sqlite = db.Database.IsSqlite();
    }

    private RelationalTypeMapping KeyMapping { get; }

    /// <summary>Inserts one row and returns the key the database gave it.</summary>
    public async Task<long> InsertAsync(T row, CancellationToken cancellationToken = default)
    {
        var command = _insertReturningKey ??= Build(InsertSql(1) + " RETURNING " + _key, 1);
        Bind(command, 0, row);
        var key = await Prepare(command).ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return Convert.ToInt64(key, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Inserts the rows with one statement. On SQLite the rows go in as one JSON array of their stored values, which
    /// SQLite unpacks itself (<c>json_each</c>): Microsoft.Data.Sqlite binds every parameter by name on every execution,
    /// and a statement per row or a parameter per value cost several times the insert. On PostgreSQL a multi-row
    /// VALUES statement per 32 rows.
    /// </summary>
    public async Task InsertAsync(IReadOnlyList<T> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return;
        }

        if (_sqlite)
        {
            var command = _insertJsonRows ??= BuildJsonInsert();
            command.Parameters[0].Value = JsonRows(rows);
            await Prepare(command).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        for (var start = 0; start < rows.Count; start += MaxRowsPerInsert)
        {
            var count = Math.Min(MaxRowsPerInsert, rows.Count - start);
            var command = _inserts[count] ??= Build(InsertSql(count), count);
            for (var i = 0; i < count; i++)
            {
                Bind(command, i, rows[start + i]);
            }

            await Prepare(command).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes the columns in which <paramref name="row"/> differs from <paramref name="stored"/> to the row with the given
    /// key, so that indexes over unchanged columns are not touched; nothing when no column differs.
    /// </summary>
    public async Task UpdateAsync(T stored, T row, long key, CancellationToken cancellationToken = default)
    {
        if (_columns.Length > 64)
        {
            throw new NotSupportedException($"{typeof(T).Name} has more than 64 columns.");
        }

        ulong changed = 0;
        for (var i = 0; i < _columns.Length; i++)
        {
            var getter = _columns[i].Property.GetGetter();
            if (!Equals(getter.GetClrValueUsingContainingEntity(stored), getter.GetClrValueUsingContainingEntity(row)))
            {
                changed |= 1UL << i;
            }
        }

        if (changed == 0)
        {
            return;
        }

        if (!_updates.TryGetValue(changed, out var command))
        {
            _updates[changed] = command = BuildUpdate(changed);
        }

        var parameter = 0;
        for (var i = 0; i < _columns.Length; i++)
        {
            if ((changed & (1UL << i)) != 0)
            {
                command.Parameters[parameter++].Value = Value(_columns[i], row);
            }
        }

        command.Parameters[parameter].Value = key;
        var updated = await Prepare(command).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (updated != 1)
        {
            throw new DbUpdateConcurrencyException($"{typeof(T).Name} {key} was not found to update.");
        }
    }

    public void Dispose()
    {
        foreach (var command in _inserts.Append(_insertReturningKey).Append(_insertJsonRows).Concat(_updates.Values))
        {
            command?.Dispose();
        }
    }

    private static string Parameter(int column, int row) => string.Create(CultureInfo.InvariantCulture, $"@p{row}_{column}");

    private string InsertSql(int rows)
    {
        var sql = new StringBuilder($"INSERT INTO {_table} ({string.Join(", ", _columns.Select(c => c.Name))}) VALUES ");
        for (var row = 0; row < rows; row++)
        {
            sql.Append(row == 0 ? "(" : ", (").AppendJoin(", ", _columns.Select((_, i) => Parameter(i, row))).Append(')');
        }

        return sql.ToString();
    }

#pragma warning disable CA2100 // The text is made of the model's own table and column names, never of input.
    private DbCommand Build(string text, int rows)
    {
        var command = _db.Database.GetDbConnection().CreateCommand();
        command.CommandText = text;
        for (var row = 0; row < rows; row++)
        {
            for (var i = 0; i < _columns.Length; i++)
            {
                command.Parameters.Add(_columns[i].Mapping.CreateParameter(command, Parameter(i, row), null, _columns[i].Property.IsNullable));
            }
        }

        return command;
    }
#pragma warning restore CA2100

    private DbCommand BuildJsonInsert()
    {
        var command = _db.Database.GetDbConnection().CreateCommand();
        var values = string.Join(", ", _columns.Select((_, i) => string.Create(CultureInfo.InvariantCulture, $"json_extract(value, '$[{i}]')")));
        command.CommandText = $"INSERT INTO {_table} ({string.Join(", ", _columns.Select(c => c.Name))}) SELECT {values} FROM json_each(@rows) ORDER BY key";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@rows";
        command.Parameters.Add(parameter);
        return command;
    }

    /// <summary>The rows as a JSON array of arrays of the values SQLite stores (after the model's value converters).</summary>
    private string JsonRows(IReadOnlyList<T> rows)
    {
        _json.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(_json))
        {
            writer.WriteStartArray();
            foreach (var row in rows)
            {
                writer.WriteStartArray();
                foreach (var column in _columns)
                {
                    switch (Value(column, row))
                    {
                        case DBNull:
                            writer.WriteNullValue();
                            break;
                        case string text:
                            writer.WriteStringValue(text);
                            break;
                        case bool flag:
                            writer.WriteNumberValue(flag ? 1 : 0);
                            break;
                        case int number:
                            writer.WriteNumberValue(number);
                            break;
                        case long number:
                            writer.WriteNumberValue(number);
                            break;
                        case double number:
                            writer.WriteNumberValue(number);
                            break;
                        case decimal number:
                            // As Microsoft.Data.Sqlite binds a decimal, and EF Core stores it: invariant text.
                            writer.WriteStringValue(number.ToString("0.0###########################", CultureInfo.InvariantCulture));
                            break;
                        case var other:
                            throw new NotSupportedException($"{typeof(T).Name}.{column.Property.Name}: {other.GetType().Name} values are not written as JSON rows.");
                    }
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(_json.WrittenSpan);
    }

    private DbCommand BuildUpdate(ulong changed)
    {
        var command = _db.Database.GetDbConnection().CreateCommand();
        var set = new List<string>();
        for (var i = 0; i < _columns.Length; i++)
        {
            if ((changed & (1UL << i)) != 0)
            {
                set.Add($"{_columns[i].Name} = {Parameter(i, 0)}");
                command.Parameters.Add(_columns[i].Mapping.CreateParameter(command, Parameter(i, 0), null, _columns[i].Property.IsNullable));
            }
        }

        command.CommandText = $"UPDATE {_table} SET {string.Join(", ", set)} WHERE {_key} = @key";
        command.Parameters.Add(KeyMapping.CreateParameter(command, "@key", 0L, nullable: false));
        return command;
    }

    private static object Value(Column column, T entity)
    {
        var value = column.Property.GetGetter().GetClrValueUsingContainingEntity(entity);
        if (value is not null && column.Mapping.Converter is { } converter)
        {
            value = converter.ConvertToProvider(value);
        }

        return value ?? DBNull.Value;
    }

    private void Bind(DbCommand command, int row, T entity)
    {
        var offset = row * _columns.Length;
        for (var i = 0; i < _columns.Length; i++)
        {
            command.Parameters[offset + i].Value = Value(_columns[i], entity);
        }
    }

    private DbCommand Prepare(DbCommand command)
    {
        command.Transaction = _db.Database.CurrentTransaction?.GetDbTransaction();
        return command;
    }

    private sealed record Column(IProperty Property, string Name, RelationalTypeMapping Mapping);
}
