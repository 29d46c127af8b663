namespace VectorImageSearch.Samples.Web.Api;

/// <summary>The problem+json answers of the API, one title per kind of problem.</summary>
internal static class ApiProblems
{
    public static IResult BadRequest(string title, string detail) => Problem(StatusCodes.Status400BadRequest, title, detail);

    public static IResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, "Not found", detail);

    public static IResult TooLarge(long limit) => Problem(StatusCodes.Status413PayloadTooLarge, "Upload too large",
        $"The upload is larger than the limit of {limit:N0} bytes.");

    public static IResult Conflict(string detail) => Problem(StatusCodes.Status409Conflict, "Conflict", detail);

    public static IResult Problem(int status, string title, string detail) =>
        Results.Problem(detail: detail, statusCode: status, title: title);
}
