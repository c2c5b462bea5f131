/* asaas_facts.h - every Asaas error code and text the mock answers with, in one place.
 *
 * Confirmed facts come from the shared reference (docs/captures). Entries marked
 * UNCONFIRMED are our documented choices: the README's "Unconfirmed behaviour" table
 * mirrors this file, so change both together. No code, only constants. */
#ifndef AM_ASAAS_FACTS_H
#define AM_ASAAS_FACTS_H

/* 401 authentication (confirmed, changelog 16/07/2025). */
#define AM_ERR_TOKEN_NOT_FOUND "access_token_not_found"
#define AM_TXT_TOKEN_NOT_FOUND                                                                    \
    "O cabeçalho de autenticação 'access_token' é obrigatório e não foi encontrado na requisição"
#define AM_ERR_TOKEN_FORMAT "invalid_access_token_format"
#define AM_TXT_TOKEN_FORMAT                                                                       \
    "O valor fornecido não parece ser uma chave de API válida do Asaas. Verifique o formato da "  \
    "sua chave"
#define AM_ERR_ENVIRONMENT "invalid_environment"
#define AM_TXT_ENVIRONMENT "A chave de API informada não pertence a este ambiente"
#define AM_ERR_INVALID_TOKEN "invalid_access_token"
#define AM_TXT_INVALID_TOKEN "A chave de API fornecida é inválida"

/* UNCONFIRMED: the real body for a missing User-Agent was never captured. We answer 401
 * in the same style as access_token_not_found. */
#define AM_ERR_USER_AGENT "user_agent_not_found"
#define AM_TXT_USER_AGENT                                                                         \
    "O cabeçalho 'User-Agent' é obrigatório e não foi encontrado na requisição"

/* UNCONFIRMED: the 403 body for an address outside the IP allowlist was never captured. */
#define AM_ERR_IP_NOT_ALLOWED "ip_not_allowed"
#define AM_TXT_IP_NOT_ALLOWED                                                                     \
    "O endereço IP de origem não está autorizado a acessar a API. Verifique a whitelist de IPs "  \
    "da conta"

/* 403 for a GET carrying a body (confirmed status, CloudFront; body UNCONFIRMED). */
#define AM_ERR_GET_WITH_BODY "invalid_request"
#define AM_TXT_GET_WITH_BODY "Requisições GET não podem conter corpo"

/* UNCONFIRMED: 404 body for unknown ids and routes (docs only say "does not exist"). We
 * answer the Asaas error shape rather than an empty body so clients always get JSON. */
#define AM_ERR_NOT_FOUND "not_found"
#define AM_TXT_NOT_FOUND "O recurso solicitado não existe"
#define AM_TXT_ROUTE_NOT_FOUND "O endpoint solicitado não existe"

/* UNCONFIRMED: method not allowed on a known path. We answer 405 with Allow. */
#define AM_ERR_METHOD "method_not_allowed"
#define AM_TXT_METHOD "Método HTTP não permitido para este endpoint"

/* UNCONFIRMED: operations of the real API that the mock does not emulate yet. */
#define AM_ERR_NOT_IMPLEMENTED "not_implemented"
#define AM_TXT_NOT_IMPLEMENTED                                                                    \
    "Operação ainda não emulada pelo asaas-mock (existe na API real do Asaas)"

/* Malformed JSON body (status 400 confirmed as a validation error; code UNCONFIRMED). */
#define AM_ERR_JSON "invalid_json"
#define AM_TXT_JSON "O corpo da requisição não é um JSON válido"

/* UNCONFIRMED: pagination limits outside 1..100 are rejected (the real API's answer
 * is unknown). */
#define AM_ERR_LIMIT "invalid_limit"
#define AM_TXT_LIMIT "O parâmetro limit deve estar entre 1 e 100"
#define AM_ERR_OFFSET "invalid_offset"
#define AM_TXT_OFFSET "O parâmetro offset deve ser um número inteiro não negativo"

/* Customers (confirmed: invalid CPF/CNPJ -> invalid_object). */
#define AM_ERR_CPF_CNPJ "invalid_object"
#define AM_TXT_CPF_CNPJ "O CPF/CNPJ informado é inválido."
#define AM_ERR_NAME "invalid_name"
#define AM_TXT_NAME "O nome do cliente deve ser informado."
#define AM_ERR_CPF_CNPJ_MISSING "invalid_cpfCnpj"
#define AM_TXT_CPF_CNPJ_MISSING "O CPF/CNPJ deve ser informado."
#define AM_ERR_EMAIL "invalid_email"
#define AM_TXT_EMAIL "O email informado é inválido."
#define AM_ERR_CUSTOMER_DELETED "invalid_action"
#define AM_TXT_CUSTOMER_DELETED "Não é possível alterar um cliente removido."
#define AM_TXT_CUSTOMER_NOT_DELETED "O cliente informado não está removido."

/* UNCONFIRMED: a request field sent with the wrong JSON type (a number where text is
 * expected, a string where a boolean is expected). The code is AM_ERR_FIELD_PREFIX + the
 * field name, following the invalid_<field> family; %s in the text is the field name. */
#define AM_ERR_FIELD_PREFIX "invalid_"
#define AM_TXT_FIELD_TYPE_FMT "O campo %s possui um tipo inválido."

/* UNCONFIRMED: the 429 body was never captured (a PHP SDK fixture invents
 * rate_limit_exceeded + Retry-After). One code for the three limits; the text says which
 * one was hit. Headers RateLimit-Limit/-Remaining/-Reset are documented by Asaas. */
#define AM_ERR_RATE_LIMIT "rate_limit_exceeded"
#define AM_TXT_RATE_LIMIT_QUOTA                                                                   \
    "A cota de requisições da conta para o período atual foi excedida. Aguarde o reinício "       \
    "da janela"
#define AM_TXT_RATE_LIMIT_CONCURRENT "Limite de requisições GET simultâneas da conta excedido"
#define AM_TXT_RATE_LIMIT_ENDPOINT                                                                \
    "Limite de requisições para este endpoint excedido. Aguarde o reinício da janela"

/* UNCONFIRMED: bodies of injected server-side errors (status faults). The real 5xx bodies
 * were never captured (some come from CloudFront as HTML); we answer the Asaas envelope so
 * clients exercise their error path, not their HTML parser. */
#define AM_ERR_INTERNAL "internal_error"
#define AM_TXT_INTERNAL "Ocorreu um erro interno. Tente novamente mais tarde"
#define AM_ERR_BAD_GATEWAY "bad_gateway"
#define AM_TXT_BAD_GATEWAY "Falha de comunicação com o servidor de origem"
#define AM_ERR_UNAVAILABLE "service_unavailable"
#define AM_TXT_UNAVAILABLE "Serviço temporariamente indisponível. Tente novamente mais tarde"
#define AM_ERR_GATEWAY_TIMEOUT "gateway_timeout"
#define AM_TXT_GATEWAY_TIMEOUT "O servidor de origem demorou demais para responder"
#define AM_ERR_FORBIDDEN "forbidden"
#define AM_TXT_FORBIDDEN "Acesso negado"
/* Any other injected 4xx/5xx. */
#define AM_ERR_INJECTED "request_failed"
#define AM_TXT_INJECTED "A requisição falhou"

/* Rendering of deleted objects on GET: real Asaas still returns them with deleted:true. */

#endif
