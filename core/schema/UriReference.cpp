// SPDX-License-Identifier: GPL-3.0-or-later
#include "UriReference.h"

#include <cctype>

namespace Lathe::Schema
{

namespace
{

struct UriParts
{
    std::string_view scheme;
    std::string_view authority;
    std::string_view path;
    std::string_view query;
    std::string_view fragment;
    bool hasScheme = false;
    bool hasAuthority = false;
    bool hasQuery = false;
    bool hasFragment = false;
};

UriParts splitUri(std::string_view uri)
{
    UriParts parts;
    // scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"
    std::size_t i = 0;
    if (!uri.empty() && std::isalpha(static_cast<unsigned char>(uri[0]))) {
        while (i < uri.size() && (std::isalnum(static_cast<unsigned char>(uri[i])) || uri[i] == '+' ||
                                  uri[i] == '-' || uri[i] == '.'))
            ++i;
        if (i < uri.size() && uri[i] == ':') {
            parts.scheme = uri.substr(0, i);
            parts.hasScheme = true;
            uri.remove_prefix(i + 1);
        }
    }
    if (const auto hash = uri.find('#'); hash != std::string_view::npos) {
        parts.fragment = uri.substr(hash + 1);
        parts.hasFragment = true;
        uri = uri.substr(0, hash);
    }
    if (const auto question = uri.find('?'); question != std::string_view::npos) {
        parts.query = uri.substr(question + 1);
        parts.hasQuery = true;
        uri = uri.substr(0, question);
    }
    if (uri.starts_with("//")) {
        uri.remove_prefix(2);
        const auto slash = uri.find('/');
        parts.authority = uri.substr(0, slash);
        parts.hasAuthority = true;
        uri = slash == std::string_view::npos ? std::string_view() : uri.substr(slash);
    }
    parts.path = uri;
    return parts;
}

std::string removeDotSegments(std::string_view input)
{
    std::string output;
    while (!input.empty()) {
        if (input.starts_with("../")) {
            input.remove_prefix(3);
        } else if (input.starts_with("./")) {
            input.remove_prefix(2);
        } else if (input.starts_with("/./")) {
            input.remove_prefix(2);
        } else if (input == "/.") {
            input = "/";
        } else if (input.starts_with("/../") || input == "/..") {
            input = input.size() == 3 ? std::string_view("/") : input.substr(3);
            const auto lastSlash = output.rfind('/');
            output.erase(lastSlash == std::string::npos ? 0 : lastSlash);
        } else if (input == "." || input == "..") {
            input = {};
        } else {
            const std::size_t start = input.front() == '/' ? 1 : 0;
            const auto next = input.find('/', start);
            const std::size_t length = next == std::string_view::npos ? input.size() : next;
            output.append(input.substr(0, length));
            input.remove_prefix(length);
        }
    }
    return output;
}

std::string mergePaths(const UriParts &base, std::string_view referencePath)
{
    if (base.hasAuthority && base.path.empty())
        return "/" + std::string(referencePath);
    const auto lastSlash = base.path.rfind('/');
    if (lastSlash == std::string_view::npos)
        return std::string(referencePath);
    return std::string(base.path.substr(0, lastSlash + 1)) + std::string(referencePath);
}

std::string compose(std::string_view scheme, bool hasScheme, std::string_view authority, bool hasAuthority,
                    std::string_view path, std::string_view query, bool hasQuery, std::string_view fragment,
                    bool hasFragment)
{
    std::string result;
    if (hasScheme) {
        result.append(scheme);
        result += ':';
    }
    if (hasAuthority) {
        result += "//";
        result.append(authority);
    }
    result.append(path);
    if (hasQuery) {
        result += '?';
        result.append(query);
    }
    if (hasFragment) {
        result += '#';
        result.append(fragment);
    }
    return result;
}

} // namespace

std::string resolveUri(std::string_view base, std::string_view reference)
{
    const UriParts ref = splitUri(reference);
    const UriParts b = splitUri(base);
    if (ref.hasScheme) {
        return compose(ref.scheme, true, ref.authority, ref.hasAuthority, removeDotSegments(ref.path),
                       ref.query, ref.hasQuery, ref.fragment, ref.hasFragment);
    }
    if (ref.hasAuthority) {
        return compose(b.scheme, b.hasScheme, ref.authority, true, removeDotSegments(ref.path), ref.query,
                       ref.hasQuery, ref.fragment, ref.hasFragment);
    }
    if (ref.path.empty()) {
        return compose(b.scheme, b.hasScheme, b.authority, b.hasAuthority, b.path,
                       ref.hasQuery ? ref.query : b.query, ref.hasQuery || b.hasQuery, ref.fragment,
                       ref.hasFragment);
    }
    std::string path;
    if (ref.path.front() == '/')
        path = removeDotSegments(ref.path);
    else if (b.hasScheme && !b.hasAuthority && !b.path.starts_with('/'))
        // An opaque base such as "urn:uuid:…" has no hierarchy to merge into.
        path = std::string(ref.path);
    else
        path = removeDotSegments(mergePaths(b, ref.path));
    return compose(b.scheme, b.hasScheme, b.authority, b.hasAuthority, path, ref.query, ref.hasQuery,
                   ref.fragment, ref.hasFragment);
}

UriAndFragment splitFragment(std::string_view uri)
{
    const auto hash = uri.find('#');
    if (hash == std::string_view::npos)
        return {uri, {}, false};
    return {uri.substr(0, hash), uri.substr(hash + 1), true};
}

std::string_view withoutEmptyFragment(std::string_view uri)
{
    if (uri.ends_with('#'))
        uri.remove_suffix(1);
    return uri;
}

} // namespace Lathe::Schema
