// The check language: tokenizer, recursive-descent parser and tree-walking evaluator. Holds no state
// between calls; never throws.
#include "labs/expr.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace mlsys::labs {

using core::fail;
using nlohmann::json;

// ---- [SECTION] syntax tree -----------------------------------------------------------------------------
enum class NodeKind { Literal, Path, Unary, Binary, Call };

struct ExprNode {
    NodeKind kind = NodeKind::Literal;
    json value;                 // Literal
    std::string text;           // Path: the dotted name; Unary/Binary: the operator; Call: the function
    std::vector<std::shared_ptr<const ExprNode>> args;
    int column = 1;
};
using NodePtr = std::shared_ptr<const ExprNode>;

namespace {

// ---- [SECTION] tokenizer -------------------------------------------------------------------------------
enum class Tok { Number, String, Name, Op, LParen, RParen, Comma, End };

struct Token {
    Tok kind = Tok::End;
    std::string text;
    double number = 0;
    int column = 1;
};

std::string describe(const Token& t) {
    switch (t.kind) {
        case Tok::End: return "the end of the expression";
        case Tok::String: return "string \"" + t.text + "\"";
        case Tok::Number:
        case Tok::Name:
        case Tok::Op:
        case Tok::LParen:
        case Tok::RParen:
        case Tok::Comma: return "'" + t.text + "'";
    }
    return "?";
}

core::Result<std::vector<Token>> tokenize(const std::string& s) {
    std::vector<Token> out;
    size_t i = 0;
    auto err = [&](size_t at, const std::string& why) { return fail("column " + std::to_string(at + 1) + ": " + why); };
    while (i < s.size()) {
        const char c = s[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
            continue;
        }
        Token t;
        t.column = static_cast<int>(i) + 1;
        if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
            const char* begin = s.c_str() + i;
            char* end = nullptr;
            t.number = std::strtod(begin, &end);
            const size_t n = static_cast<size_t>(end - begin);
            if (i + n < s.size() && (std::isalpha(static_cast<unsigned char>(s[i + n])) || s[i + n] == '_'))
                return err(i, "malformed number '" + s.substr(i, n + 1) + "'");
            t.kind = Tok::Number;
            t.text = s.substr(i, n);
            i += n;
        } else if (c == '"' || c == '\'') {
            size_t j = i + 1;
            std::string v;
            while (j < s.size() && s[j] != c) {
                if (s[j] == '\\' && j + 1 < s.size()) ++j;
                v += s[j++];
            }
            if (j >= s.size()) return err(i, "string is not closed (missing " + std::string(1, c) + ")");
            t.kind = Tok::String;
            t.text = v;
            i = j + 1;
        } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
            // A name with its dotted/indexed tail: run.epochs, layers[2].macs
            size_t j = i;
            while (j < s.size()) {
                const char d = s[j];
                if (std::isalnum(static_cast<unsigned char>(d)) || d == '_') {
                    ++j;
                } else if (d == '.' && j + 1 < s.size() && (std::isalpha(static_cast<unsigned char>(s[j + 1])) || s[j + 1] == '_')) {
                    ++j;
                } else if (d == '[') {
                    size_t k = j + 1;
                    while (k < s.size() && std::isdigit(static_cast<unsigned char>(s[k]))) ++k;
                    if (k == j + 1 || k >= s.size() || s[k] != ']') return err(j, "an index must be a whole number in [ ]");
                    j = k + 1;
                } else {
                    break;
                }
            }
            t.kind = Tok::Name;
            t.text = s.substr(i, j - i);
            i = j;
        } else if (c == '(') {
            t.kind = Tok::LParen, t.text = "(", ++i;
        } else if (c == ')') {
            t.kind = Tok::RParen, t.text = ")", ++i;
        } else if (c == ',') {
            t.kind = Tok::Comma, t.text = ",", ++i;
        } else {
            static const char* kOps[] = {"&&", "||", "==", "!=", "<=", ">=", "<", ">", "!", "+", "-", "*", "/"};
            bool found = false;
            for (const char* op : kOps) {
                const size_t n = std::char_traits<char>::length(op);
                if (s.compare(i, n, op) == 0) {
                    t.kind = Tok::Op;
                    t.text = op;
                    i += n;
                    found = true;
                    break;
                }
            }
            if (!found) {
                if (c == '=') return err(i, "'=' is not an operator here; compare with '=='");
                if (c == '&' || c == '|') return err(i, std::string("use '") + c + c + "' for logical " + (c == '&' ? "and" : "or"));
                return err(i, std::string("unexpected character '") + c + "'");
            }
        }
        out.push_back(t);
    }
    Token end;
    end.column = static_cast<int>(s.size()) + 1;
    out.push_back(end);
    return out;
}

// ---- [SECTION] parser ----------------------------------------------------------------------------------
class Parser {
public:
    explicit Parser(std::vector<Token> toks) : t_(std::move(toks)) {}

    core::Result<NodePtr> parse_all() {
        auto e = parse_or();
        if (!e) return e;
        if (peek().kind == Tok::Name && (peek().text == "and" || peek().text == "or"))
            return error(peek(), "use '" + std::string(peek().text == "and" ? "&&" : "||") + "' instead of '" + peek().text + "'");
        if (peek().kind != Tok::End) return error(peek(), "expected an operator or the end, got " + describe(peek()));
        return e;
    }

private:
    const Token& peek() const { return t_[pos_]; }
    const Token& next() { return t_[pos_++]; }
    bool is_op(const char* op) const { return peek().kind == Tok::Op && peek().text == op; }
    static core::Error error(const Token& at, const std::string& why) {
        return fail("column " + std::to_string(at.column) + ": " + why);
    }
    static NodePtr binary(const Token& op, NodePtr a, NodePtr b) {
        auto n = std::make_shared<ExprNode>();
        n->kind = NodeKind::Binary;
        n->text = op.text;
        n->column = op.column;
        n->args = {std::move(a), std::move(b)};
        return n;
    }

    // One precedence level: left-associative operators `ops` over operands parsed by `sub`.
    template <class Sub>
    core::Result<NodePtr> level(std::initializer_list<const char*> ops, Sub sub) {
        auto lhs = (this->*sub)();
        if (!lhs) return lhs;
        NodePtr left = *lhs;
        for (;;) {
            const char* matched = nullptr;
            for (const char* op : ops)
                if (is_op(op)) matched = op;
            if (!matched) return left;
            const Token op = next();
            if (peek().kind == Tok::End || peek().kind == Tok::RParen || peek().kind == Tok::Comma ||
                (peek().kind == Tok::Op && peek().text != "-" && peek().text != "!"))
                return error(peek(), "expected an operand after '" + op.text + "', got " + describe(peek()));
            auto rhs = (this->*sub)();
            if (!rhs) return rhs;
            left = binary(op, left, *rhs);
        }
    }
    core::Result<NodePtr> parse_or() { return level({"||"}, &Parser::parse_and); }
    core::Result<NodePtr> parse_and() { return level({"&&"}, &Parser::parse_eq); }
    core::Result<NodePtr> parse_eq() { return level({"==", "!="}, &Parser::parse_rel); }
    core::Result<NodePtr> parse_rel() { return level({"<", "<=", ">", ">="}, &Parser::parse_add); }
    core::Result<NodePtr> parse_add() { return level({"+", "-"}, &Parser::parse_mul); }
    core::Result<NodePtr> parse_mul() { return level({"*", "/"}, &Parser::parse_unary); }

    core::Result<NodePtr> parse_unary() {
        if (is_op("!") || is_op("-")) {
            const Token op = next();
            auto operand = parse_unary();
            if (!operand) return operand;
            auto n = std::make_shared<ExprNode>();
            n->kind = NodeKind::Unary;
            n->text = op.text;
            n->column = op.column;
            n->args = {*operand};
            return NodePtr(n);
        }
        return parse_primary();
    }

    core::Result<NodePtr> parse_primary() {
        const Token t = next();
        auto n = std::make_shared<ExprNode>();
        n->column = t.column;
        switch (t.kind) {
            case Tok::Number: n->value = t.number; return NodePtr(n);
            case Tok::String: n->value = t.text; return NodePtr(n);
            case Tok::LParen: {
                auto inner = parse_or();
                if (!inner) return inner;
                if (peek().kind != Tok::RParen)
                    return error(peek(), "expected ')' to close the '(' at column " + std::to_string(t.column) + ", got " + describe(peek()));
                next();
                return inner;
            }
            case Tok::Name: {
                if (t.text == "true" || t.text == "false") {
                    n->value = t.text == "true";
                    return NodePtr(n);
                }
                if (t.text == "null") {
                    n->value = nullptr;
                    return NodePtr(n);
                }
                if (t.text == "and" || t.text == "or" || t.text == "not")
                    return error(t, "use '" + std::string(t.text == "and" ? "&&" : t.text == "or" ? "||" : "!") + "' instead of '" + t.text + "'");
                if (peek().kind != Tok::LParen) {
                    n->kind = NodeKind::Path;
                    n->text = t.text;
                    return NodePtr(n);
                }
                static const char* kFunctions[] = {"abs", "min", "max", "len", "exists", "round", "if"};
                bool known = false;
                for (const char* f : kFunctions) known = known || t.text == f;
                if (!known) return error(t, "unknown function '" + t.text + "' (functions: abs, min, max, len, exists, round, if)");
                next();  // (
                n->kind = NodeKind::Call;
                n->text = t.text;
                if (peek().kind != Tok::RParen) {
                    for (;;) {
                        auto arg = parse_or();
                        if (!arg) return arg;
                        n->args.push_back(*arg);
                        if (peek().kind == Tok::Comma) {
                            next();
                            continue;
                        }
                        break;
                    }
                }
                if (peek().kind != Tok::RParen)
                    return error(peek(), "expected ',' or ')' in the call of " + t.text + ", got " + describe(peek()));
                next();
                const size_t na = n->args.size();
                const bool arity_ok = (t.text == "min" || t.text == "max") ? na >= 1
                                      : t.text == "round"                  ? (na == 1 || na == 2)
                                      : t.text == "if"                     ? na == 3
                                                                           : na == 1;
                if (!arity_ok) return error(t, t.text + "() takes " +
                                                   std::string(t.text == "min" || t.text == "max" ? "one or more arguments"
                                                               : t.text == "round"                  ? "one or two arguments"
                                                               : t.text == "if"                     ? "three arguments (condition, then, else)"
                                                                                                    : "one argument") +
                                                   ", got " + std::to_string(na));
                if (t.text == "exists" && n->args[0]->kind != NodeKind::Path)
                    return error(t, "exists() takes a name, e.g. exists(run.test_accuracy)");
                return NodePtr(n);
            }
            case Tok::End: return error(t, "expected a value, got the end of the expression");
            case Tok::Op:
            case Tok::RParen:
            case Tok::Comma: return error(t, "expected a value, got " + describe(t));
        }
        return error(t, "expected a value");
    }

    std::vector<Token> t_;
    size_t pos_ = 0;
};

// ---- [SECTION] evaluator -------------------------------------------------------------------------------
std::string type_name(const json& v) {
    switch (v.type()) {
        case json::value_t::null: return "null";
        case json::value_t::boolean: return "boolean";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned:
        case json::value_t::number_float: return "number";
        case json::value_t::string: return "string";
        case json::value_t::array: return "list";
        case json::value_t::object: return "object";
        case json::value_t::binary:
        case json::value_t::discarded: return "value";
    }
    return "value";
}
std::string typed(const json& v) { return type_name(v) + " " + format_value(v); }

// Splits "a.b[2].c" into "a", "b", "[2]", "c".
std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> parts;
    std::string cur;
    for (size_t i = 0; i < path.size(); ++i) {
        const char c = path[i];
        if (c == '.') {
            if (!cur.empty()) parts.push_back(cur);
            cur.clear();
        } else if (c == '[') {
            if (!cur.empty()) parts.push_back(cur);
            cur = "[";
        } else if (c == ']') {
            parts.push_back(cur + "]");
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) parts.push_back(cur);
    return parts;
}

// The explanation for a missing name: which prefix exists and what it holds.
std::string missing_message(const std::string& path, const Scope& scope) {
    const json* root = scope.global ? scope.global : scope.local;
    const auto parts = split_path(path);
    std::string prefix;
    const json* at = root;
    for (const auto& part : parts) {
        const json* nxt = nullptr;
        if (at && part.front() == '[' && at->is_array()) {
            const size_t idx = std::strtoul(part.c_str() + 1, nullptr, 10);
            if (idx < at->size()) nxt = &(*at)[idx];
        } else if (at && at->is_object() && part.front() != '[') {
            auto it = at->find(part);
            if (it != at->end()) nxt = &*it;
        }
        if (!nxt) break;
        prefix += (prefix.empty() || part.front() == '[' ? "" : ".") + part;
        at = nxt;
    }
    std::string msg = path + " is not in the state";
    if (!prefix.empty() && at && at->is_object()) {
        std::string keys;
        int n = 0;
        for (auto it = at->begin(); it != at->end() && n < 12; ++it, ++n) keys += (keys.empty() ? "" : ", ") + it.key();
        msg += " (" + prefix + " has: " + (keys.empty() ? "nothing" : keys) + ")";
    } else if (!prefix.empty() && at && at->is_array()) {
        msg += " (" + prefix + " has " + std::to_string(at->size()) + " items)";
    } else if (!prefix.empty() && at) {
        msg += " (" + prefix + " is " + typed(*at) + ")";
    }
    return msg;
}

core::Result<json> eval(const ExprNode& n, const Scope& scope);

core::Result<double> eval_number(const ExprNode& n, const Scope& scope, const std::string& what) {
    auto v = eval(n, scope);
    if (!v) return fail(v.error());
    if (!v->is_number()) return fail(what + " needs a number, got " + typed(*v));
    return v->get<double>();
}

core::Result<json> eval_binary(const ExprNode& n, const Scope& scope) {
    const std::string& op = n.text;
    if (op == "&&" || op == "||") {
        auto a = eval(*n.args[0], scope);
        if (!a) return a;
        if (!a->is_boolean()) return fail("'" + op + "' needs true or false on its left, got " + typed(*a));
        if (op == "&&" && !a->get<bool>()) return json(false);
        if (op == "||" && a->get<bool>()) return json(true);
        auto b = eval(*n.args[1], scope);
        if (!b) return b;
        if (!b->is_boolean()) return fail("'" + op + "' needs true or false on its right, got " + typed(*b));
        return json(b->get<bool>());
    }
    auto a = eval(*n.args[0], scope);
    if (!a) return a;
    auto b = eval(*n.args[1], scope);
    if (!b) return b;
    if (op == "==" || op == "!=") {
        const bool eq = (a->is_number() && b->is_number()) ? a->get<double>() == b->get<double>() : *a == *b;
        return json(op == "==" ? eq : !eq);
    }
    if (op == "<" || op == "<=" || op == ">" || op == ">=") {
        int cmp = 0;
        if (a->is_number() && b->is_number()) {
            const double x = a->get<double>(), y = b->get<double>();
            cmp = x < y ? -1 : x > y ? 1 : 0;
        } else if (a->is_string() && b->is_string()) {
            cmp = a->get<std::string>().compare(b->get<std::string>());
        } else {
            return fail("'" + op + "' needs two numbers (or two strings), got " + typed(*a) + " and " + typed(*b));
        }
        if (op == "<") return json(cmp < 0);
        if (op == "<=") return json(cmp <= 0);
        if (op == ">") return json(cmp > 0);
        return json(cmp >= 0);
    }
    if (op == "+" && a->is_string() && b->is_string()) return json(a->get<std::string>() + b->get<std::string>());
    if (!a->is_number() || !b->is_number())
        return fail("'" + op + "' needs two numbers, got " + typed(*a) + " and " + typed(*b));
    const double x = a->get<double>(), y = b->get<double>();
    if (op == "+") return json(x + y);
    if (op == "-") return json(x - y);
    if (op == "*") return json(x * y);
    if (y == 0) return fail("division by zero (" + format_value(*a) + " / 0)");
    return json(x / y);
}

core::Result<json> eval_call(const ExprNode& n, const Scope& scope) {
    const std::string& f = n.text;
    if (f == "exists") {
        const std::string& path = n.args[0]->text;
        const bool found = (scope.local && find_path(*scope.local, path)) || (scope.global && find_path(*scope.global, path));
        return json(found);
    }
    if (f == "if") {
        auto c = eval(*n.args[0], scope);
        if (!c) return c;
        if (!c->is_boolean()) return fail("if() needs true or false as its condition, got " + typed(*c));
        return eval(*n.args[c->get<bool>() ? 1 : 2], scope);
    }
    if (f == "len") {
        auto v = eval(*n.args[0], scope);
        if (!v) return v;
        if (v->is_string()) return json(static_cast<double>(v->get<std::string>().size()));
        if (v->is_array() || v->is_object()) return json(static_cast<double>(v->size()));
        return fail("len() needs a list, an object or a string, got " + typed(*v));
    }
    std::vector<double> xs;
    for (const auto& arg : n.args) {
        auto x = eval_number(*arg, scope, f + "()");
        if (!x) return fail(x.error());
        xs.push_back(*x);
    }
    if (f == "abs") return json(std::fabs(xs[0]));
    if (f == "round") {
        const double scale = xs.size() > 1 ? std::pow(10.0, xs[1]) : 1.0;
        return json(std::round(xs[0] * scale) / scale);
    }
    double r = xs[0];
    for (double x : xs) r = f == "min" ? std::min(r, x) : std::max(r, x);
    return json(r);
}

core::Result<json> eval(const ExprNode& n, const Scope& scope) {
    switch (n.kind) {
        case NodeKind::Literal: return n.value;
        case NodeKind::Path: {
            const json* v = scope.local ? find_path(*scope.local, n.text) : nullptr;
            if (!v && scope.global) v = find_path(*scope.global, n.text);
            if (!v) return fail(missing_message(n.text, scope));
            return *v;
        }
        case NodeKind::Unary: {
            auto v = eval(*n.args[0], scope);
            if (!v) return v;
            if (n.text == "!") {
                if (!v->is_boolean()) return fail("'!' needs true or false, got " + typed(*v));
                return json(!v->get<bool>());
            }
            if (!v->is_number()) return fail("'-' needs a number, got " + typed(*v));
            return json(-v->get<double>());
        }
        case NodeKind::Binary: return eval_binary(n, scope);
        case NodeKind::Call: return eval_call(n, scope);
    }
    return fail("bad expression node");
}

void collect_names(const ExprNode& n, std::vector<std::string>& out) {
    if (n.kind == NodeKind::Path) out.push_back(n.text);
    for (const auto& a : n.args) collect_names(*a, out);
}

}  // namespace

// ---- [SECTION] public API ------------------------------------------------------------------------------
core::Result<Expression> Expression::parse(const std::string& text) {
    auto toks = tokenize(text);
    if (!toks) return fail(toks.error());
    if (toks->size() == 1) return fail("column 1: the expression is empty");
    Parser p(std::move(*toks));
    auto root = p.parse_all();
    if (!root) return fail(root.error());
    Expression e;
    e.root_ = *root;
    e.text_ = text;
    return e;
}

core::Result<json> Expression::evaluate(const Scope& scope) const {
    if (!root_) return fail("the expression is empty");
    return eval(*root_, scope);
}

core::Result<bool> Expression::test(const Scope& scope) const {
    auto v = evaluate(scope);
    if (!v) return fail(v.error());
    if (!v->is_boolean()) return fail("the check gave " + typed(*v) + ", not true or false");
    return v->get<bool>();
}

core::Result<double> Expression::number(const Scope& scope) const {
    auto v = evaluate(scope);
    if (!v) return fail(v.error());
    if (!v->is_number()) return fail("the expression gave " + typed(*v) + ", not a number");
    return v->get<double>();
}

std::vector<std::string> Expression::names() const {
    std::vector<std::string> out;
    if (root_) collect_names(*root_, out);
    return out;
}

const json* find_path(const json& root, const std::string& path) {
    const json* at = &root;
    for (const auto& part : split_path(path)) {
        if (part.front() == '[') {
            if (!at->is_array()) return nullptr;
            const size_t idx = std::strtoul(part.c_str() + 1, nullptr, 10);
            if (idx >= at->size()) return nullptr;
            at = &(*at)[idx];
        } else {
            if (!at->is_object()) return nullptr;
            auto it = at->find(part);
            if (it == at->end()) return nullptr;
            at = &*it;
        }
    }
    return at;
}

std::string format_value(const json& v) {
    if (v.is_string()) return "\"" + v.get<std::string>() + "\"";
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_null()) return "null";
    if (v.is_number()) {
        char buf[48];
        const double x = v.get<double>();
        if (std::fabs(x) < 1e15 && x == std::floor(x))
            std::snprintf(buf, sizeof buf, "%.0f", x);
        else
            std::snprintf(buf, sizeof buf, "%.6g", x);
        return buf;
    }
    std::string s = v.dump();
    if (s.size() > 60) s = s.substr(0, 57) + "...";
    return s;
}

}  // namespace mlsys::labs
