// The image search in a browser: a page (wwwroot) and a JSON API over IImageSearch, on the bundled demo model and
// shapes by default (appsettings.json: sections "ImageSearch" and "ImageSearchWeb").
//
//   dotnet run --project samples/ImageSearch.Web        then open http://localhost:5000
using VectorImageSearch.Samples.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddImageSearchWeb();
var app = builder.Build();
app.UseImageSearchWeb();
app.Run();

/// <summary>The program (public for WebApplicationFactory).</summary>
public partial class Program;
