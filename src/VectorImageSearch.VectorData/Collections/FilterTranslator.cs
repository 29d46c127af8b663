using System.Linq.Expressions;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace VectorImageSearch.VectorData.Collections;

/// <summary>
/// Translates a LINQ filter over records into an <see cref="ImageRecordFilter"/>, which every image-record store applies
/// before choosing the nearest (FAISS as ID selectors, PostgreSQL in SQL). Supported, combined with <c>&amp;&amp;</c>:
/// <c>r.Data == value</c> (and a bare <c>r.Flag</c> or <c>!r.Flag</c>) for data properties, <c>&gt;=</c> and <c>&lt;</c>
/// on the LastWriteUtc catalog field, <c>r.Key.StartsWith(prefix)</c> for string keys, and
/// the constants <c>true</c>/<c>false</c>; values may be constants, captured variables or any expression that does not
/// read the record. Anything else throws <see cref="NotSupportedException"/> naming the expression.
/// </summary>
internal sealed class FilterTranslator
{
    private readonly CollectionModel _model;
    private ParameterExpression _record = null!;
    private Dictionary<string, string> _metadata = null!;
    private ImageRecordFilter _filter = null!;
    private bool _nothing;

    public FilterTranslator(CollectionModel model) => _model = model;

    /// <summary>The filter, or <see langword="null"/> when no record can match (contradicting conditions, or <c>false</c>).</summary>
    public ImageRecordFilter? Translate(LambdaExpression filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        _record = filter.Parameters[0];
        _metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        _filter = new ImageRecordFilter();
        _nothing = false;
        Visit(filter.Body);
        if (_nothing)
        {
            return null;
        }
        return _metadata.Count == 0 ? _filter : _filter with { Metadata = _metadata };
    }

    private void Visit(Expression node)
    {
        switch (node)
        {
            case BinaryExpression { NodeType: ExpressionType.AndAlso } and:
                Visit(and.Left);
                Visit(and.Right);
                return;
            case BinaryExpression { NodeType: ExpressionType.Equal } equal:
                Equal(equal);
                return;
            case BinaryExpression { NodeType: ExpressionType.LessThan or ExpressionType.LessThanOrEqual or ExpressionType.GreaterThan or ExpressionType.GreaterThanOrEqual } compare:
                Compare(compare);
                return;
            case MethodCallExpression call when call.Method.Name == nameof(string.StartsWith) && call.Method.DeclaringType == typeof(string):
                StartsWith(call);
                return;
            case UnaryExpression { NodeType: ExpressionType.Not } not when TryBind(not.Operand, out var negated) && IsBool(negated):
                SetData(negated, false, node);
                return;
            case var member when TryBind(member, out var flag) && IsBool(flag):
                SetData(flag, true, node);
                return;
            case var constant when !ReadsRecord(constant) && constant.Type == typeof(bool):
                if (!(bool)Evaluate(constant)!)
                {
                    _nothing = true;
                }
                return;
        }
        throw Unsupported(node, "use ==, && and the forms listed for image-record collections");
    }

    private void Equal(BinaryExpression node)
    {
        var (property, value) = Split(node);
        SetData(property, value, node);
    }

    private void SetData(PropertyModel property, object? value, Expression node)
    {
        if (property is not DataPropertyModel || CatalogFields.IsCatalogField(property.StorageName))
        {
            throw Unsupported(node, property is KeyPropertyModel
                ? "a key is not a filter condition; read one record with GetAsync(key), or filter string keys with Key.StartsWith(prefix)"
                : $"the catalog field '{property.StorageName}' can be filtered only by comparisons of LastWriteUtc");
        }
        var text = ValueText.Format(value) ?? throw Unsupported(node, "a comparison with null cannot be pre-filtered");
        if (_metadata.TryGetValue(property.StorageName, out var existing) && existing != text)
        {
            _nothing = true;
        }
        _metadata[property.StorageName] = text;
    }

    private void Compare(BinaryExpression node)
    {
        var (property, value, op) = SplitComparison(node);
        if (property.StorageName != CatalogFields.LastWriteUtc)
        {
            throw Unsupported(node, "range comparisons are supported on the LastWriteUtc catalog field only");
        }
        DateTime time = value switch
        {
            DateTime d => d.Kind == DateTimeKind.Local ? d.ToUniversalTime() : DateTime.SpecifyKind(d, DateTimeKind.Utc),
            DateTimeOffset o => o.UtcDateTime,
            _ => throw Unsupported(node, "LastWriteUtc compares with a DateTime or DateTimeOffset"),
        };
        // The store's bounds are [from, before): >= and < map onto them exactly. > and <= would need the store's time
        // resolution (a tick in FAISS, a microsecond in PostgreSQL) to move the bound, so they are refused, not guessed.
        switch (op)
        {
            case ExpressionType.GreaterThanOrEqual:
                From(time);
                break;
            case ExpressionType.LessThan:
                Before(time);
                break;
            default:
                throw Unsupported(node, "LastWriteUtc takes >= and < (the stores' [from, before) range); write r.LastWriteUtc >= t or r.LastWriteUtc < t");
        }
    }

    private void From(DateTime time) =>
        _filter = _filter with { ModifiedFromUtc = _filter.ModifiedFromUtc is { } f && f > time ? f : time };

    private void Before(DateTime time) =>
        _filter = _filter with { ModifiedBeforeUtc = _filter.ModifiedBeforeUtc is { } b && b < time ? b : time };

    private void StartsWith(MethodCallExpression call)
    {
        if (call.Object is null || !TryBind(call.Object, out var property) || property is not KeyPropertyModel
            || ReadsRecord(call.Arguments[0])
            || (call.Arguments.Count == 2 && (ReadsRecord(call.Arguments[1]) || Evaluate(call.Arguments[1]) is not StringComparison.Ordinal))
            || call.Arguments.Count > 2)
        {
            throw Unsupported(call, "StartsWith is supported on the string key, with a prefix (and optionally StringComparison.Ordinal)");
        }
        var prefix = (string?)Evaluate(call.Arguments[0]) ?? throw Unsupported(call, "the prefix must not be null");
        if (_filter.KeyPrefix is { } existing)
        {
            // Two prefixes hold together only when one extends the other; the longer one then decides.
            if (prefix.StartsWith(existing, StringComparison.Ordinal))
            {
                _filter = _filter with { KeyPrefix = prefix };
            }
            else if (!existing.StartsWith(prefix, StringComparison.Ordinal))
            {
                _nothing = true;
            }
            return;
        }
        _filter = _filter with { KeyPrefix = prefix };
    }

    private (PropertyModel Property, object? Value) Split(BinaryExpression node)
    {
        if (TryBind(node.Left, out var left) && !ReadsRecord(node.Right))
        {
            return (left, Evaluate(node.Right));
        }
        if (TryBind(node.Right, out var right) && !ReadsRecord(node.Left))
        {
            return (right, Evaluate(node.Left));
        }
        throw Unsupported(node, "compare one record property with a value that does not read the record");
    }

    private (PropertyModel Property, object? Value, ExpressionType Op) SplitComparison(BinaryExpression node)
    {
        if (TryBind(node.Left, out var left) && !ReadsRecord(node.Right))
        {
            return (left, Evaluate(node.Right), node.NodeType);
        }
        if (TryBind(node.Right, out var right) && !ReadsRecord(node.Left))
        {
            // value < r.P is r.P > value.
            var flipped = node.NodeType switch
            {
                ExpressionType.LessThan => ExpressionType.GreaterThan,
                ExpressionType.LessThanOrEqual => ExpressionType.GreaterThanOrEqual,
                ExpressionType.GreaterThan => ExpressionType.LessThan,
                _ => ExpressionType.LessThanOrEqual,
            };
            return (right, Evaluate(node.Left), flipped);
        }
        throw Unsupported(node, "compare one record property with a value that does not read the record");
    }

    private bool TryBind(Expression expression, out PropertyModel property)
    {
        while (expression is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked or ExpressionType.TypeAs } convert)
        {
            expression = convert.Operand;
        }
        string? name = expression switch
        {
            MemberExpression member when member.Expression == _record => member.Member.Name,
            // Dynamic records: r["StorageName"].
            MethodCallExpression { Method.Name: "get_Item", Arguments: [var argument] } call when call.Object == _record && !ReadsRecord(argument)
                => Evaluate(argument) as string,
            _ => null,
        };
        property = null!;
        if (name is null)
        {
            return false;
        }
        foreach (var p in _model.Properties)
        {
            if (p.ModelName == name)
            {
                property = p;
                return true;
            }
        }
        throw new InvalidOperationException($"The filter reads '{name}', which is not a property of the collection's record definition.");
    }

    private static bool IsBool(PropertyModel property) => (Nullable.GetUnderlyingType(property.Type) ?? property.Type) == typeof(bool);

    private bool ReadsRecord(Expression expression)
    {
        var finder = new ParameterFinder(_record);
        finder.Visit(expression);
        return finder.Found;
    }

    private static object? Evaluate(Expression expression) => expression switch
    {
        ConstantExpression constant => constant.Value,
        MemberExpression { Expression: ConstantExpression closure, Member: System.Reflection.FieldInfo field } => field.GetValue(closure.Value),
        _ => Expression.Lambda(Expression.Convert(expression, typeof(object))).Compile(preferInterpretation: true).DynamicInvoke(),
    };

    private static NotSupportedException Unsupported(Expression node, string hint) =>
        new($"The filter expression '{node}' is not supported by an image-record collection: {hint}.");

    private sealed class ParameterFinder(ParameterExpression parameter) : ExpressionVisitor
    {
        public bool Found { get; private set; }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            Found |= node == parameter;
            return node;
        }
    }
}
