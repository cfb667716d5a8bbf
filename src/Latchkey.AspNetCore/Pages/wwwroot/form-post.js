// OAuth 2.0 Form Post Response Mode: hands the authorization response to the application's redirect URI.
document.getElementById('response').submit();
