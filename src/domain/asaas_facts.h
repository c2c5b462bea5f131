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

/* UNCONFIRMED: bytes that are not UTF-8 in the path, a query key or value, or the body,
 * and a JSON "\u0000" inside a string (refused, never kept: stored text is C strings).
 * 400, checked for every request before authentication, like the GET-with-body refusal. */
#define AM_ERR_ENCODING "invalid_encoding"
#define AM_TXT_ENCODING_PATH "O caminho da requisição não é UTF-8 válido"
#define AM_TXT_ENCODING_QUERY "Um parâmetro da query string não é UTF-8 válido"
#define AM_TXT_ENCODING_BODY "O corpo da requisição não é UTF-8 válido"
#define AM_TXT_ENCODING_NUL "O corpo da requisição contém \\u0000 em um texto, o que não é aceito"

/* UNCONFIRMED: requests refused at the HTTP/1.1 layer, before any route (RFC 9112 says the
 * status; what Asaas's edge answers was never captured, so the mock answers JSON in the
 * API's shape, which every client already parses).
 * Every such answer closes the connection (Connection: close), is journalled and counted. */
#define AM_ERR_HTTP_BAD_REQUEST "invalid_http_request"
#define AM_TXT_HTTP_REQUEST_LINE "A linha de requisição HTTP é inválida"
#define AM_TXT_HTTP_HEADER "Um cabeçalho HTTP é inválido (nome, dois-pontos ou caractere de controle)"
#define AM_TXT_HTTP_OBS_FOLD "Cabeçalhos HTTP em várias linhas (obs-fold) não são aceitos"
#define AM_TXT_HTTP_LENGTH "Content-Length inválido ou repetido com valores diferentes"
#define AM_TXT_HTTP_FRAMING                                                                       \
    "Transfer-Encoding não pode vir com Content-Length, repetido ou em HTTP/1.0"
#define AM_TXT_HTTP_CHUNK "O corpo em chunks está malformado (tamanho, extensão ou fim de linha)"
#define AM_TXT_HTTP_HOST "A requisição tem mais de um cabeçalho Host"
#define AM_ERR_HTTP_CODING "unsupported_transfer_coding"
#define AM_TXT_HTTP_CODING "Somente Transfer-Encoding: chunked é aceito"
#define AM_ERR_HTTP_METHOD "not_implemented"
#define AM_TXT_HTTP_METHOD "Método HTTP não suportado"
#define AM_ERR_HTTP_VERSION "http_version_not_supported"
#define AM_TXT_HTTP_VERSION "Somente HTTP/1.0 e HTTP/1.1 são aceitos"
#define AM_ERR_HTTP_EXPECT "expectation_failed"
#define AM_TXT_HTTP_EXPECT "Somente Expect: 100-continue é aceito"
#define AM_ERR_HTTP_HEAD_SIZE "request_header_fields_too_large"
#define AM_TXT_HTTP_HEAD_SIZE "Os cabeçalhos da requisição excedem --max-headers"
#define AM_ERR_HTTP_BODY_SIZE "request_entity_too_large"
#define AM_TXT_HTTP_BODY_SIZE "O corpo da requisição excede --max-body"
#define AM_ERR_HTTP_TIMEOUT "request_timeout"
#define AM_TXT_HTTP_HEAD_TIMEOUT "Os cabeçalhos da requisição não chegaram dentro de --head-timeout"
#define AM_TXT_HTTP_BODY_TIMEOUT "O corpo da requisição não chegou dentro de --body-timeout"

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

/* ---- Payments (billing.c, api_payments.c) ----------------------------------------- */
/* Confirmed (captured): empty create body -> invalid_customer, single error. */
#define AM_ERR_PAY_CUSTOMER "invalid_customer"
#define AM_TXT_PAY_CUSTOMER "Customer inválido ou não informado."
/* Confirmed (doc example) for a missing value; UNCONFIRMED for a non-positive one. */
#define AM_ERR_PAY_VALUE "invalid_value"
#define AM_TXT_PAY_VALUE_MISSING "O campo value deve ser informado"
#define AM_TXT_PAY_VALUE_INVALID "O valor da cobrança deve ser maior que zero."
/* UNCONFIRMED texts for billingType. */
#define AM_ERR_PAY_BILLING_TYPE "invalid_billingType"
#define AM_TXT_PAY_BILLING_TYPE_MISSING "O campo billingType deve ser informado."
#define AM_TXT_PAY_BILLING_TYPE_INVALID "Forma de pagamento inválida."
/* Confirmed (captured 2026-09): dueDate before today; UNCONFIRMED: missing / malformed. */
#define AM_ERR_PAY_DUE_DATE "invalid_dueDate"
#define AM_TXT_PAY_DUE_DATE_PAST "Não é permitido data de vencimento inferior a hoje."
#define AM_TXT_PAY_DUE_DATE_MISSING "O campo dueDate deve ser informado."
#define AM_TXT_PAY_DUE_DATE_INVALID "A data de vencimento informada é inválida."
/* Confirmed (captured): the sandbox declines exactly these two numbers. */
#define AM_CARD_DECLINE_1 "5184019740373151"
#define AM_CARD_DECLINE_2 "4916561358240741"
#define AM_ERR_CARD_DECLINED "invalid_action"
#define AM_TXT_CARD_DECLINED                                                                      \
    "Transação não autorizada. Verifique os dados do cartão de crédito e tente novamente."
/* Confirmed (captured): unknown or other customer's token; %s is the token. */
#define AM_ERR_CARD_TOKEN "invalid_creditCard"
#define AM_TXT_CARD_TOKEN_FMT "CreditCardToken %s não encontrado."
/* Captured (tokenization probe): creditCardToken sent with a ccv is refused with 400; the
 * body was not recorded, so code and text are UNCONFIRMED. */
#define AM_TXT_CARD_TOKEN_WITH_CCV                                                                \
    "Não é permitido informar o código de segurança (ccv) junto com o creditCardToken."
/* AM_CARD_RULES (UNCONFIRMED where noted), applied by api/input.c to every endpoint that
 * takes card data (payments, payWithCreditCard, tokenize, installments, subscriptions):
 * - expiry: expiryMonth 1..12, expiryYear with 2-digit years read as 20YY, not before the
 *   current month of the account clock (reference: "any future expiry" approves; past
 *   expiry UNCONFIRMED);
 * - ccv: 3 or 4 digits, as a string or a JSON number (schema says string; Jackson-style
 *   coercion of numbers UNCONFIRMED);
 * - creditCardHolderInfo: name, email, cpfCnpj, postalCode, addressNumber and phone all
 *   present (schema marks them required), numbers accepted for each;
 * - a creditCardToken beside a ccv is refused on every endpoint (captured on pay only). */
/* UNCONFIRMED: texts for missing card data / holder info / remoteIp. */
#define AM_ERR_CARD "invalid_creditCard"
#define AM_TXT_CARD_MISSING "Informe os dados do cartão de crédito."
#define AM_TXT_CARD_NUMBER "O número do cartão de crédito informado é inválido."
#define AM_TXT_CARD_EXPIRY "A data de validade do cartão de crédito é inválida."
#define AM_TXT_CARD_CCV "O código de segurança do cartão de crédito é inválido."
#define AM_TXT_CARD_HOLDER_NAME "O nome impresso no cartão deve ser informado."
#define AM_ERR_CARD_HOLDER "invalid_creditCardHolderInfo"
#define AM_TXT_CARD_HOLDER "Informe os dados do titular do cartão de crédito."
#define AM_ERR_REMOTE_IP "invalid_remoteIp"
#define AM_TXT_REMOTE_IP "O IP do cliente deve ser informado."
/* UNCONFIRMED: installment purchase limits and texts (card up to 21x as Asaas advertises;
 * other methods up to 60x). */
#define AM_INSTALLMENTS_MAX_CARD 21
#define AM_INSTALLMENTS_MAX 60
#define AM_ERR_INSTALLMENT_COUNT "invalid_installmentCount"
#define AM_TXT_INSTALLMENT_COUNT "O número de parcelas informado é inválido."
#define AM_ERR_INSTALLMENT_VALUE "invalid_installmentValue"
#define AM_TXT_INSTALLMENT_VALUE "O valor da parcela deve ser maior que zero."
/* UNCONFIRMED: discount/fine/interest validation. */
#define AM_ERR_DISCOUNT "invalid_discount"
#define AM_TXT_DISCOUNT "O desconto informado é inválido."
#define AM_ERR_FINE "invalid_fine"
#define AM_TXT_FINE "A multa informada é inválida."
#define AM_ERR_INTEREST "invalid_interest"
#define AM_TXT_INTEREST "Os juros informados são inválidos."
/* Confirmed (captured): linha digitável of a non-boleto charge. */
#define AM_ERR_PAY_ACTION "invalid_action"
#define AM_TXT_PAY_ID_FIELD_NOT_BOLETO                                                            \
    "Somente é possível obter linha digitável quando a forma de pagamento for boleto bancário."
/* UNCONFIRMED: invalid_action texts of state-machine refusals. */
#define AM_TXT_PAY_DELETED "Esta cobrança foi removida."
#define AM_TXT_PAY_NOT_DELETED "Esta cobrança não está removida."
#define AM_TXT_PAY_CANNOT_DELETE "Não é possível remover uma cobrança já paga ou estornada."
#define AM_TXT_PAY_CANNOT_UPDATE "Só é possível alterar cobranças aguardando pagamento ou vencidas."
#define AM_TXT_PAY_CANNOT_CONFIRM "Só é possível confirmar cobranças aguardando pagamento ou vencidas."
#define AM_TXT_PAY_CANNOT_OVERDUE "Só é possível vencer cobranças aguardando pagamento."
#define AM_TXT_PAY_CANNOT_REFUND "Não é possível estornar uma cobrança que não foi paga."
#define AM_TXT_PAY_REFUND_VALUE "O valor do estorno não pode ser maior que o valor disponível para estorno."
#define AM_TXT_PAY_CANNOT_CASH "Só é possível receber em dinheiro cobranças aguardando pagamento ou vencidas."
#define AM_TXT_PAY_CANNOT_UNDO_CASH "Esta cobrança não foi recebida em dinheiro."
#define AM_TXT_PAY_CANNOT_CAPTURE "Só é possível capturar cobranças pré-autorizadas."
#define AM_TXT_PAY_CANNOT_PAY_CARD "Só é possível pagar com cartão cobranças aguardando pagamento ou vencidas."
#define AM_ERR_PAY_DATE "invalid_paymentDate"
#define AM_TXT_PAY_DATE "A data de pagamento informada é inválida."
/* UNCONFIRMED timing (mock rules; the real sandbox needs real waiting):
 * - OVERDUE: the daily job marks PENDING charges whose dueDate < today (the day after the
 *   due date, at the start of the simulated day);
 * - boleto (and UNDEFINED paid as boleto) credits AM_BOLETO_CREDIT_BUSINESS_DAYS business
 *   days after payment; Pix credits the same day (RECEIVED at once, confirmed);
 * - card: creditDate = confirmation + AM_CARD_CREDIT_DAYS x installment number, rolled to
 *   the next business day (captured 2026-07). */
#define AM_BOLETO_CREDIT_BUSINESS_DAYS 1
#define AM_CARD_CREDIT_DAYS 32
/* UNCONFIRMED: receiveInCash emits PAYMENT_RECEIVED (no dedicated event in the enum);
 * undo emits PAYMENT_RECEIVED_IN_CASH_UNDONE (documented). */
#define AM_EVENT_RECEIVED_IN_CASH "PAYMENT_RECEIVED"
/* UNCONFIRMED: refunds (card, Pix and boleto alike) complete at once with status DONE; the
 * fee is not given back; a refund of a CONFIRMED card charge cancels it before any credit
 * (no ledger lines). */
/* Captured: the payment's Pix QR code expires one year after the due date, 23:59:59. */
#define AM_PIX_QR_EXPIRATION_YEARS 1
#define AM_PIX_MERCHANT_NAME "ASAAS MOCK"
#define AM_PIX_MERCHANT_CITY "JOINVILLE"
/* Hosted pages (src/pages). Captured: the paths /i/<id without pay_>, /b/pdf/<same>,
 * /comprovantes/<16 digits>; only the host differs (public_url.h).
 * UNCONFIRMED: every opening of the invoice page sets lastInvoiceViewedDate and emits
 * PAYMENT_CHECKOUT_VIEWED, every download of the boleto PDF sets lastBankSlipViewedDate
 * and emits PAYMENT_BANK_SLIP_VIEWED (not only the first; none for a deleted charge);
 * the page's Pix button settles the charge as POST /v3/sandbox/payment/{id}/confirm and
 * its card form as POST /v3/payments/{id}/payWithCreditCard (same events, same errors). */
#define AM_EVT_CHECKOUT_VIEWED "PAYMENT_CHECKOUT_VIEWED"
#define AM_EVT_BANK_SLIP_VIEWED "PAYMENT_BANK_SLIP_VIEWED"
/* UNCONFIRMED: bank code and free-field layout of the mock's boletos (461 = Asaas IP). */
#define AM_BOLETO_BANK "461"
/* UNCONFIRMED: list filter errors and the Pix QR code of a card charge. */
#define AM_ERR_FILTER_STATUS "invalid_status"
#define AM_TXT_FILTER_STATUS "O status informado é inválido."
#define AM_TXT_FILTER_DATE "A data informada no filtro é inválida."
#define AM_TXT_PAY_PIX_NOT_AVAILABLE                                                              \
    "Somente é possível obter o QR Code Pix de cobranças Pix, boleto ou com forma de pagamento a definir."
/* UNCONFIRMED: GET /payments/limits numbers. */
#define AM_PAY_LIMIT_DAILY 200000

/* ---- Installments, subscriptions, finance, jobs ---- */
/* Subscriptions: field validation (codes follow invalid_<field>). */
#define AM_ERR_SUB_NEXT_DUE_DATE "invalid_nextDueDate"
#define AM_TXT_SUB_NEXT_DUE_DATE_MISSING "O campo nextDueDate deve ser informado."
#define AM_TXT_SUB_NEXT_DUE_DATE_INVALID "A data do próximo vencimento informada é inválida."
#define AM_TXT_SUB_NEXT_DUE_DATE_PAST "Não é permitido data de vencimento inferior a hoje."
#define AM_ERR_SUB_CYCLE "invalid_cycle"
#define AM_TXT_SUB_CYCLE_MISSING "O campo cycle deve ser informado."
#define AM_TXT_SUB_CYCLE_INVALID "Periodicidade inválida."
#define AM_ERR_SUB_END_DATE "invalid_endDate"
#define AM_TXT_SUB_END_DATE "A data de término deve ser igual ou posterior ao próximo vencimento."
#define AM_ERR_SUB_MAX_PAYMENTS "invalid_maxPayments"
#define AM_TXT_SUB_MAX_PAYMENTS "O número máximo de cobranças deve ser maior que zero."
#define AM_ERR_SUB_STATUS "invalid_status"
#define AM_TXT_SUB_STATUS "Situação inválida: informe ACTIVE ou INACTIVE."
#define AM_ERR_SUB_SPLIT "invalid_split"
#define AM_TXT_SUB_SPLIT "O split informado é inválido."
#define AM_ERR_SUB_ACTION "invalid_action"
#define AM_TXT_SUB_DELETED "Não é possível alterar uma assinatura removida."

/* Installments. */
#define AM_ERR_INST_ACTION "invalid_action"
#define AM_TXT_INST_CANNOT_DELETE                                                                 \
    "Não é possível remover um parcelamento que possui cobranças pagas. Estorne-as antes."
#define AM_TXT_INST_CANNOT_REFUND "Não há cobranças pagas neste parcelamento para estornar."
#define AM_TXT_INST_DELETED "Este parcelamento foi removido."

/* Finance. */
#define AM_ERR_FIN_DATE "invalid_date"
#define AM_TXT_FIN_DATE "A data informada é inválida. Use o formato AAAA-MM-DD."
#define AM_ERR_FIN_ORDER "invalid_order"
#define AM_TXT_FIN_ORDER "O parâmetro order deve ser asc ou desc."
/* (AM_ERR_FILTER_STATUS / AM_TXT_FILTER_STATUS come from asaas_facts.h.) */
#define AM_ERR_FILTER_BILLING_TYPE "invalid_billingType"
#define AM_TXT_FILTER_BILLING_TYPE "Forma de pagamento inválida."

/* Choices (documented in the README's "Unconfirmed behaviour" table):
 * - a subscription's month-based cycles keep the day of month of its nextDueDate and
 *   clamp it to the month's end (Jan 31 -> Feb 28/29 -> Mar 31);
 * - later charges are generated AM_SUBSCRIPTION_LEAD_DAYS (40, documented) before their
 *   due date by the daily job; the first one at once on create;
 * - a subscription that can generate no further charge (maxPayments reached or next due
 *   date past endDate) becomes EXPIRED when its last charge is generated, with a
 *   SUBSCRIPTION_UPDATED event; status INACTIVE emits SUBSCRIPTION_INACTIVATED;
 * - the response renders endDate, maxPayments and discount after split, only when set;
 * - updatePendingPayments applies value/billingType/description/discount/fine/interest
 *   changes to the subscription's PENDING charges (not OVERDUE);
 * - deleting a subscription deletes its PENDING and OVERDUE charges; paid ones stay;
 * - card subscriptions: the first charge is paid on create, later ones are charged on
 *   their due date by the daily job with the stored card token;
 * - installments: descriptions "Parcela N de M." (+ " " + request description);
 *   deleting an installment with paid charges is refused; its refund refunds every paid
 *   charge in full; DELETE /installments/{id}/payments answers the installment;
 * - GET /financialTransactions is oldest first unless order=desc;
 * - GET /myAccount/status starts PENDING everywhere until POST
 *   /sandbox/myAccount/approve, which emits ACCOUNT_STATUS_*_APPROVED events. */


/* Webhook configs (§5.9). UNCONFIRMED: the real validation bodies were never captured;
 * codes follow the API's invalid_<field> style. */
#define AM_ERR_WEBHOOK_NAME "invalid_name"
#define AM_TXT_WEBHOOK_NAME "O nome do webhook deve ser informado."
#define AM_ERR_WEBHOOK_URL "invalid_url"
#define AM_TXT_WEBHOOK_URL_MISSING "A URL do webhook deve ser informada."
#define AM_TXT_WEBHOOK_URL "A URL informada é inválida. Informe uma URL http:// ou https://."
#define AM_ERR_WEBHOOK_EMAIL "invalid_email"
#define AM_TXT_WEBHOOK_EMAIL_MISSING "O email deve ser informado."
#define AM_TXT_WEBHOOK_EMAIL "O email informado é inválido."
#define AM_ERR_WEBHOOK_SEND_TYPE "invalid_sendType"
#define AM_TXT_WEBHOOK_SEND_TYPE "O tipo de envio (sendType) deve ser SEQUENTIALLY ou NON_SEQUENTIALLY."
#define AM_ERR_WEBHOOK_EVENTS "invalid_events"
#define AM_TXT_WEBHOOK_EVENTS_MISSING "Informe ao menos um evento."
#define AM_TXT_WEBHOOK_EVENT_FMT "O evento %s é inválido."
#define AM_ERR_WEBHOOK_TOKEN "invalid_authToken"
#define AM_TXT_WEBHOOK_TOKEN "O authToken deve ter entre 32 e 255 caracteres."
#define AM_ERR_WEBHOOK_API_VERSION "invalid_apiVersion"
#define AM_TXT_WEBHOOK_API_VERSION "A versão da API deve ser 3."
#define AM_ERR_WEBHOOK_LIMIT "invalid_action"
#define AM_TXT_WEBHOOK_LIMIT "O limite de 10 webhooks por conta foi atingido."

/* Webhook delivery (§7.2). UNCONFIRMED choices:
 * - the penalty is per config: after the k-th consecutive failure nothing of that config
 *   is sent before the schedule's delay for attempt k+1, in both send types (a penalised
 *   NON_SEQUENTIALLY config probes with one event at a time); 15 failures in a row set
 *   interrupted; penalizedRequestsCount shows the consecutive failures;
 * - NON_SEQUENTIALLY sends at most AM_WEBHOOK_PARALLEL (4) events of a config at once;
 * - a disabled config (enabled: false) queues nothing new and sends nothing; its backlog
 *   waits until it is enabled again;
 * - events emitted before a config existed are not delivered to it;
 * - removeBackoff clears the penalty and the interruption (like PUT interrupted: false);
 * - request timeout AM_WEBHOOK_TIMEOUT_DEFAULT_MS (10 s, --webhook-timeout);
 * - User-Agent AM_WEBHOOK_USER_AGENT. */
#define AM_WEBHOOK_TIMEOUT_DEFAULT_MS 10000
#define AM_WEBHOOK_USER_AGENT "asaas-mock-webhook/1.0"
/* What the corrupt-token webhook fault sends instead of the config's token. */
#define AM_WEBHOOK_CORRUPT_TOKEN "asaas-mock-corrupted-token-0000000000000000"

#endif
