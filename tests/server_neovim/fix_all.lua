-- Run by tests/server_neovim.rs in `nvim --headless --clean`: start Neovim's own LSP client on
-- `layerlint server`, open the Dockerfile, wait for its diagnostics, apply the
-- source.fixAll.layerlint code action and write the file. Written for Neovim 0.7 (Debian 12's)
-- and later: `vim.lsp.start` and the code action's `filter`/`apply` options came in 0.8.
local bin = os.getenv('LAYERLINT_BIN')
local file = os.getenv('DOCKERFILE')
local report = os.getenv('REPORT')

local function finish(code, message)
  local out = io.open(report, 'w')
  out:write(message .. '\n')
  out:close()
  vim.cmd(code == 0 and 'qall!' or ('cquit ' .. code))
end

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].filetype = 'dockerfile'
  local config = {
    name = 'layerlint',
    cmd = { bin, 'server' },
    root_dir = vim.fn.fnamemodify(file, ':h'),
  }
  local client_id
  if vim.lsp.start then
    client_id = vim.lsp.start(config)
  else
    client_id = vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(buf, client_id)
  end
  if not client_id then
    return finish(3, 'the LSP client did not start')
  end
  local got = vim.wait(20000, function()
    return #vim.diagnostic.get(buf) > 0
  end, 20)
  if not got then
    return finish(4, 'no diagnostics within 20 s')
  end
  local client = vim.lsp.get_client_by_id(client_id)
  local params = vim.lsp.util.make_range_params()
  params.context = { diagnostics = {}, only = { 'source.fixAll.layerlint' } }
  local responses = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 20000)
  local action
  for _, response in pairs(responses or {}) do
    for _, candidate in ipairs(response.result or {}) do
      if candidate.kind == 'source.fixAll.layerlint' then
        action = candidate
      end
    end
  end
  if not action then
    return finish(5, 'no source.fixAll.layerlint action')
  end
  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
  vim.cmd('write')
  finish(0, 'fixed with ' .. #vim.diagnostic.get(buf) .. ' diagnostics before; encoding ' .. client.offset_encoding)
end)
if not ok then
  finish(6, 'error: ' .. tostring(err))
end
